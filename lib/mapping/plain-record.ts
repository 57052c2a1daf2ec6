/**
 * Records and their parts are built one property at a time, with names a file decides. An object
 * begun as `{}` starts from the empty object's shape, which V8 shares with everything else in the
 * process; in a freshly started n8n that shape has so many branches (until a full garbage collection
 * clears the dead ones) that V8 stores each new object as a hash table: about 3 times slower to
 * build and read, and twice the memory. An object made by this constructor starts from a shape of
 * its own, and is a plain object all the same: its prototype is Object.prototype.
 */
const PlainRecord = function PlainRecord() {} as unknown as new () => Record<string, unknown>;
PlainRecord.prototype = Object.prototype;

/** An empty plain object, for a record or a part of one. */
export function newRecord(): Record<string, unknown> {
	return new PlainRecord();
}
