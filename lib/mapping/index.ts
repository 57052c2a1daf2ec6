export { applyMapping, applyMappings, type MappingInput, type MappingSummary } from './apply';
export {
	type CanonicalRecord,
	type FixOwner,
	type MappingOutcome,
	type Rejection,
	type RowProblem,
} from './outcomes';
export { closestColumns, parseSource, resolveColumns } from './columns';
export { mappingFromFieldList, type FieldListEntry, type ValueMapEntry } from './field-list';
export { rowsFromObjects } from './json-rows';
export {
	DEFAULT_SETTINGS,
	FIELD_TYPES,
	MappingError,
	TRANSFORM_LABELS,
	TRANSFORMS,
	UNMATCHED_LABELS,
	assertValidMapping,
	customFieldName,
	mappingProblems,
	type FieldMapping,
	type Mapping,
	type MappingSettings,
	type RowGrain,
	type Transform,
} from './mapping';
export { PRESETS, presetById, type Preset } from './presets';
export {
	FEED_DEFINITIONS,
	FEEDS,
	fieldDefinition,
	type Feed,
	type FeedDefinition,
	type FieldDefinition,
} from './schema';
export {
	SETTING_DEFINITIONS,
	parseSetting,
	settingsFrom,
	type SettingDefinition,
} from './settings';
export { buildMappingTemplate, readMappingWorkbook, TEMPLATE_FILE_NAME } from './workbook';
export { coerceValue, type FieldType } from './values';
