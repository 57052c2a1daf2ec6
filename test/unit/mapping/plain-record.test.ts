import { mappingFromFieldList, type FieldListEntry } from '../../../lib/mapping';
import { newRecord } from '../../../lib/mapping/plain-record';
import { mapCsv } from './run-mapping';

/** Every object in a value, nested ones included. */
function objectsIn(value: unknown, found: object[] = []): object[] {
	if (value === null || typeof value !== 'object') return found;
	found.push(value);
	for (const item of Object.values(value)) objectsIn(item, found);
	return found;
}

describe('records are plain objects', () => {
	test('a new record is an empty plain object, as {} is', () => {
		const record = newRecord();
		expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
		expect(record.constructor).toBe(Object);
		expect(record).toStrictEqual({});
		record.email = 'jo@example.com';
		record.custom = { tier: 'gold' };
		expect(record).toStrictEqual({ email: 'jo@example.com', custom: { tier: 'gold' } });
		expect(JSON.parse(JSON.stringify(record))).toStrictEqual(record);
	});

	test('records, their lines and custom fields from the engine are plain objects', async () => {
		const fields: FieldListEntry[] = [
			{ target: 'order_id', source: 'Receipt' },
			{ target: 'purchase_date', source: 'Date', format: 'dd/MM/yyyy' },
			{ target: 'customer_id', source: 'Customer' },
			{ target: 'lines.sku', source: 'SKU' },
			{ target: 'lines.qty', source: 'Qty' },
			{ target: 'lines.unit_price', source: 'Price' },
		];
		const mapping = mappingFromFieldList('transaction', fields, [], {
			keepUnmappedColumns: true,
			timeZone: 'Europe/London',
		});
		const csv = [
			'Receipt,Date,Customer,SKU,Qty,Price,Till',
			'R-1,27/06/2026,C1,MUG,1,8.50,T2',
			'R-1,27/06/2026,C1,TEE,2,20,T2',
			'',
		];
		const { records, rejected } = await mapCsv(csv.join('\n'), mapping, 'sales.csv');
		expect(rejected).toEqual([]);
		expect(records).toHaveLength(1);
		const objects = objectsIn(records[0]).filter((value) => !Array.isArray(value));
		// The order, its two lines, its custom fields and its _source.
		expect(objects.length).toBeGreaterThanOrEqual(5);
		for (const value of objects) expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
		expect(records[0].custom).toStrictEqual({ till: 'T2' });
		expect(JSON.parse(JSON.stringify(records[0]))).toStrictEqual(records[0]);
	});
});
