/** What ImportOrders answers (TOrderImportResult): the orders imported and the orders skipped, and why. */
import { soapList, soapText, type SoapValue } from './soap-response';

export type SkipKind = 'already_imported' | 'other';

export interface ImportedOrder {
	salesOrderCode: string;
	associatedRef: string;
	msg: string;
	urn: string;
	otherRef: string;
}

export interface SkippedOrder {
	orderRef: string;
	skipReason: string;
	kind: SkipKind;
}

export interface OrderImportResult {
	importedCount: number;
	imported: ImportedOrder[];
	skipped: SkippedOrder[];
}

/** Reads ImportOrders' TOrderImportResult (ImportedCount, OrderImport[], OrderSkipped[]). */
export function parseOrderImportResult(result: SoapValue | undefined): OrderImportResult {
	const struct = result && typeof result === 'object' && !Array.isArray(result) ? result : {};
	const imported = soapList(struct.OrderImport).map((entry) => ({
		salesOrderCode: soapText(entry, 'SalesOrderCode'),
		associatedRef: soapText(entry, 'AssociatedRef'),
		msg: soapText(entry, 'Msg'),
		urn: soapText(entry, 'URN'),
		otherRef: soapText(entry, 'OtherRef'),
	}));
	const skipped = soapList(struct.OrderSkipped).map((entry) => {
		const skipReason = soapText(entry, 'SkipReason');
		return {
			orderRef: soapText(entry, 'OrderRef'),
			skipReason,
			kind: classifySkipReason(skipReason),
		};
	});
	const count = Number(soapText(struct, 'ImportedCount'));
	return {
		importedCount:
			Number.isFinite(count) && soapText(struct, 'ImportedCount') !== '' ? count : imported.length,
		imported,
		skipped,
	};
}

/**
 * Whether a skip reason means the ASSOCIATED_REF was imported before. The guide and samples do not
 * quote Khaos's wording, so this matches the ways it can be put: "already imported", "already
 * exists", "has been imported previously", "duplicate order/reference", "associated ref … used".
 */
export function classifySkipReason(reason: string): SkipKind {
	const text = reason.replace(/\s+/g, ' ').toLowerCase();
	const patterns = [
		/\balready\b.{0,40}\b(imported|exists?|present|on (the )?system|in khaos)\b/,
		/\b(imported|exists?|received) (before|previously|already)\b/,
		/\bpreviously imported\b/,
		/\bduplicate\b.{0,30}\b(order|ref|reference|associated)\b|\b(order|ref|reference|associated ref)\b.{0,30}\bduplicate\b/,
		/\bassociated[ _]?ref(erence)?\b.{0,40}\b(used|exists?|taken|in use)\b/,
	];
	return patterns.some((pattern) => pattern.test(text)) ? 'already_imported' : 'other';
}
