import { parseOrderStatus, parseOrderStatusEx, stageLabel } from '../../../lib/khaos/status';
import { fixture } from './helpers';

describe('ExportOrderStatusEx', () => {
	it("reads Khaos's sample: references, ISO dates, totals, cancellation and invoices", () => {
		const [status] = parseOrderStatusEx(fixture('xml-examples/KSDXMLOrderStatusEx.xml'));
		expect(status).toMatchObject({
			sales_order_code: 'SO1234',
			associated_ref: 'SO_WEBREF',
			customer_code: 'CU1234',
			customer_other_ref: 'CU_WEBREF',
			company_name: 'Test company',
			order_type: 'Sales Order',
			currency: 'GBP',
			date_created: '2009-01-01',
			delivery_date: '2009-01-02',
			items_total: 117.5,
			items_total_net: 100,
			delivery_total: 10.16,
			stage_id: 19,
			stage: 'on hold',
			complete: false,
			cancelled: true,
			cancellation: { date: '2011-06-06', reason: 'why?', user: 'user' },
		});
		expect(status.invoices).toHaveLength(2);
		expect(status.invoices[0]).toMatchObject({
			invoice_code: 'INV1234',
			stage_id: 19,
			stage: 'on hold',
			stage_desc: 'MANUALHOLD',
			invoice_date: '2009-01-03',
			ship_date: '2009-01-04',
			issue_date: '2009-01-05',
			courier: 'Royal Mail',
			consignment_ref: 'ABC12345',
			tracking_url: 'http://www.royalmailtracking.com/trackmyparcel/number=ABC12345',
			qty_sold: 100.5,
			qty_sent: 90.5,
			moved: true,
		});
		expect(status.invoices[0].boxes[0]).toMatchObject({
			shipped: true,
			ship_date: '2009-01-02',
			consignment_ref: 'ABCD12234',
			items: [
				{ stock_code: 'ABC', qty_sent: 123.45 },
				{ stock_code: 'ABC', qty_sent: 123.45 },
			],
		});
		expect(status.invoices[0].items).toHaveLength(2);
	});

	it('takes the least advanced invoice as the order stage, and knows a live order from a cancelled one', () => {
		const xml =
			'<STATUS_LIST><ORDER_STATUS SORDER_CODE="SO9" ASSOCIATED_REF="WEB9"><COMPLETE>0</COMPLETE><INVOICES>' +
			'<INVOICE INVOICE_CODE="I1" INVOICE_STAGE_ID="70" ISSUE_DATE="31/12/2024"/><INVOICE INVOICE_CODE="I2" INVOICE_STAGE_ID="14" CONSIGNMENT_REF=""/>' +
			'</INVOICES></ORDER_STATUS><ORDER_STATUS SORDER_CODE="SO10" ASSOCIATED_REF="WEB10"><COMPLETE>-1</COMPLETE><INVOICES>' +
			'<INVOICE INVOICE_CODE="I3" INVOICE_STAGE_ID="71"/></INVOICES></ORDER_STATUS></STATUS_LIST>';
		const [shipping, issued] = parseOrderStatusEx(xml);
		expect(shipping).toMatchObject({
			stage_id: 14,
			stage: 'shipping',
			complete: false,
			cancelled: false,
			cancellation: null,
		});
		expect(shipping.invoices[0].issue_date).toBe('2024-12-31');
		expect(shipping.invoices[1].consignment_ref).toBeNull();
		expect(issued).toMatchObject({ stage_id: 71, stage: 'issued', complete: true });
	});

	it('labels every stage the guide lists', () => {
		expect([9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 21, 70, 71].map(stageLabel)).toEqual([
			'released',
			'released',
			'awaiting payment',
			'picking',
			'packing',
			'shipping',
			'awaiting issue',
			'on hold',
			'on hold',
			'on hold',
			'on hold',
			'issued',
			'issued',
		]);
		expect(stageLabel(99)).toBe('stage 99');
	});
});

describe('ExportOrderStatus', () => {
	it("reads Khaos's basic sample into the same shape", () => {
		expect(parseOrderStatus(fixture('xml-examples/KSDXMLOrderStatus.xml'))).toEqual([
			expect.objectContaining({
				sales_order_code: 'S2334',
				associated_ref: 'X12',
				customer_code: 'ABCDE',
				stage_id: 10,
				stage: 'released',
				complete: true,
				invoices: [
					expect.objectContaining({
						invoice_code: 'I3243',
						stage_id: 10,
						consignment_ref: 'Z23214SHB',
					}),
				],
			}),
			expect.objectContaining({
				sales_order_code: 'S2098',
				associated_ref: '69',
				stage_id: 11,
				stage: 'awaiting payment',
				complete: false,
				invoices: [],
			}),
		]);
	});

	it('groups one order shipped on two invoices', () => {
		const xml =
			'<ORDER_STATUSES><ORDER REF="W1" ID="S1" INVOICE="I1" COMPLETE="0" CONSIGNMENT="C1" URN="U">70</ORDER><ORDER REF="W1" ID="S1" INVOICE="I2" COMPLETE="-1" CONSIGNMENT="" URN="U">12</ORDER></ORDER_STATUSES>';
		const [status] = parseOrderStatus(xml);
		expect(status).toMatchObject({ stage_id: 12, stage: 'picking', complete: true });
		expect(status.invoices.map((invoice) => invoice.invoice_code)).toEqual(['I1', 'I2']);
	});
});
