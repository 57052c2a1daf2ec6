export { suggestMapping } from './suggest';
export type {
	FeedGuess,
	FieldSuggestion,
	SampleInput,
	SettingSuggestion,
	Suggestion,
} from './suggestion';
export { chooseDateFormat, type DateChoice } from './dates';
export {
	suggestFromFile,
	type SuggestedMapping,
	type SuggestionPreview,
	type SuggestOptions,
} from './from-file';
export { suggestedWorkbook, SUGGESTION_SHEET } from './workbook';
