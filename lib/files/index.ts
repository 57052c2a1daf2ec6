export { FileReadError } from './errors';
export {
	SAMPLE_BYTES,
	describeDelimiter,
	detectDelimiter,
	detectEncoding,
	detectFormat,
	type Delimiter,
	type FileFormat,
	type TextEncoding,
} from './detect';
export {
	inspectFile,
	inspectSample,
	readRowBatches,
	readRows,
	type CellValue,
	type FileInspection,
	type HeaderRow,
	type ReadOptions,
	type RowEvent,
	type RowResult,
	type RowSource,
	type SkippedRow,
} from './read';
export {
	BATCH_MIME,
	BATCH_PROPERTY,
	RECORDS_PER_BATCH,
	RecordBatcher,
	encodeBatch,
	readBatch,
	recordBatchInfo,
	type RecordBatchInfo,
} from './record-batches';
