export {
	suggestMapping,
	type FeedGuess,
	type FieldSuggestion,
	type SampleInput,
	type SettingSuggestion,
	type Suggestion,
} from './suggest';
export { chooseDateFormat, type DateChoice } from './dates';
export {
	suggestFromFile,
	type SuggestedMapping,
	type SuggestionPreview,
	type SuggestOptions,
} from './from-file';
export { suggestedWorkbook, SUGGESTION_SHEET } from './workbook';
