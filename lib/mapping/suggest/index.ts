export { suggestMapping, type FeedGuess, type FieldSuggestion, type SampleInput, type SettingSuggestion, type Suggestion } from './suggest';
export { chooseDateFormat, type DateChoice } from './dates';
