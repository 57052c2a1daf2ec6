/**
 * The Postgres schema of the sync state, as numbered migrations: migration N brings schema_version
 * N-1 to N. A migration once released is never edited; a change is a new one at the end. migrate
 * runs the ones a database has not had yet.
 *
 * merge_counts adds a later ledger step to an earlier one in the database, exactly as mergeCounts in
 * ledger.ts does in SQLite's case, so that two processes adding to the same ledger line at once
 * both count.
 */
import type { Pool } from 'pg';

export function migrations(schema: string): string[] {
	const s = `"${schema}"`;
	return [
		`
		CREATE TABLE ${s}.identities (
			customer_id text PRIMARY KEY,
			email text,
			mobile text,
			updated_at text NOT NULL
		);
		CREATE TABLE ${s}.fingerprints (
			scope text NOT NULL,
			key text NOT NULL,
			fingerprint text NOT NULL,
			confirmed_at text NOT NULL,
			PRIMARY KEY (scope, key)
		);
		CREATE TABLE ${s}.ledger (
			execution_id text NOT NULL,
			node text NOT NULL,
			file text NOT NULL,
			recorded_at text NOT NULL,
			workflow text NOT NULL,
			counts jsonb NOT NULL,
			PRIMARY KEY (execution_id, node, file)
		);
		CREATE INDEX ledger_by_time ON ${s}.ledger (recorded_at);
		CREATE TABLE ${s}.known_contacts (
			scope text NOT NULL,
			key text NOT NULL,
			contact_id bigint NOT NULL,
			PRIMARY KEY (scope, key)
		);
		CREATE TABLE ${s}.contact_listings (
			scope text PRIMARY KEY,
			listed_until bigint NOT NULL
		);
		CREATE TABLE ${s}.owed_consent (
			scope text NOT NULL,
			key text NOT NULL,
			identifier text NOT NULL,
			match_key text NOT NULL,
			contact_id bigint NOT NULL,
			sent_at bigint NOT NULL,
			PRIMARY KEY (scope, key)
		);

		-- a.field + b.field, for counts.
		CREATE FUNCTION ${s}.add_count(a jsonb, b jsonb, field text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
			SELECT to_jsonb(COALESCE((a ->> field)::numeric, 0) + COALESCE((b ->> field)::numeric, 0))
		$$;
		-- Money by currency, added per currency and rounded to pennies.
		CREATE FUNCTION ${s}.add_money(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
			SELECT COALESCE(jsonb_object_agg(k, round(COALESCE((a ->> k)::numeric, 0) + COALESCE((b ->> k)::numeric, 0), 2)), '{}'::jsonb)
			FROM (SELECT jsonb_object_keys(COALESCE(a, '{}'::jsonb)) UNION SELECT jsonb_object_keys(COALESCE(b, '{}'::jsonb))) AS keys (k)
		$$;
		-- Counts by reason: counts added, the earlier owner and example kept.
		CREATE FUNCTION ${s}.add_reasons(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
			SELECT COALESCE(jsonb_object_agg(k, CASE
				WHEN a ? k AND b ? k THEN jsonb_set(a -> k, '{count}', ${s}.add_count(a -> k, b -> k, 'count'))
				WHEN a ? k THEN a -> k
				ELSE b -> k END), '{}'::jsonb)
			FROM (SELECT jsonb_object_keys(COALESCE(a, '{}'::jsonb)) UNION SELECT jsonb_object_keys(COALESCE(b, '{}'::jsonb))) AS keys (k)
		$$;
		CREATE FUNCTION ${s}.merge_counts(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
			SELECT CASE
				WHEN a ->> 'step' = 'mapping' AND b ->> 'step' = 'mapping' THEN
					a || jsonb_build_object(
						'rows_read', ${s}.add_count(a, b, 'rows_read'),
						'records', ${s}.add_count(a, b, 'records'),
						'rejected', ${s}.add_count(a, b, 'rejected'),
						'rows_in_records', ${s}.add_count(a, b, 'rows_in_records'),
						'rejected_by_reason', ${s}.add_reasons(a -> 'rejected_by_reason', b -> 'rejected_by_reason'),
						'value', ${s}.add_money(a -> 'value', b -> 'value'))
					|| CASE WHEN COALESCE(b ->> 'error', '') <> '' THEN jsonb_build_object('error', b -> 'error') ELSE '{}'::jsonb END
				WHEN a ->> 'step' = 'inFlight' AND b ->> 'step' = 'inFlight' THEN
					a || jsonb_build_object('records', ${s}.add_count(a, b, 'records'))
				WHEN a ->> 'step' = 'sending' AND b ->> 'step' = 'sending' THEN
					a || jsonb_build_object(
						'records', ${s}.add_count(a, b, 'records'),
						'accepted', ${s}.add_count(a, b, 'accepted'),
						'failed', ${s}.add_count(a, b, 'failed'),
						'unchanged', ${s}.add_count(a, b, 'unchanged'),
						'failed_by_reason', ${s}.add_reasons(a -> 'failed_by_reason', b -> 'failed_by_reason'),
						'value_accepted', ${s}.add_money(a -> 'value_accepted', b -> 'value_accepted'),
						'value_failed', ${s}.add_money(a -> 'value_failed', b -> 'value_failed'),
						'value_unchanged', ${s}.add_money(a -> 'value_unchanged', b -> 'value_unchanged'))
				ELSE b END
		$$;
		`,
	];
}

/**
 * Brings the schema up to date; the first process to get there does it, the others wait for it. A
 * schema already up to date is only read, so a database user without the right to create may use a
 * schema made for it.
 */
export async function migrate(pool: Pool, schema: string): Promise<void> {
	const steps = migrations(schema);
	const newer = (version: number) =>
		new Error(
			`The schema ${schema} was written by a newer version of n8n-nodes-pos-sync (schema ${version})`,
		);
	const { rows: found } = await pool.query<{ version: number | null }>(
		`SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE 0 END AS version`,
		[`"${schema}".schema_version`],
	);
	if (found[0]?.version !== null) {
		const { rows } = await pool.query<{ version: number }>(
			`SELECT version FROM "${schema}".schema_version`,
		);
		if ((rows[0]?.version ?? 0) > steps.length) throw newer(rows[0].version);
		if (rows[0]?.version === steps.length) return;
	}
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
			`n8n-nodes-pos-sync schema ${schema}`,
		]);
		const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
			schema,
		]);
		if (!rowCount) await client.query(`CREATE SCHEMA "${schema}"`);
		await client.query(
			`CREATE TABLE IF NOT EXISTS "${schema}".schema_version (version integer NOT NULL)`,
		);
		const { rows } = await client.query<{ version: number }>(
			`SELECT version FROM "${schema}".schema_version`,
		);
		const version = rows[0]?.version ?? 0;
		if (version > steps.length) throw newer(version);
		for (let next = version; next < steps.length; next++) await client.query(steps[next]);
		if (rows.length === 0)
			await client.query(`INSERT INTO "${schema}".schema_version (version) VALUES ($1)`, [
				steps.length,
			]);
		else if (version < steps.length)
			await client.query(`UPDATE "${schema}".schema_version SET version = $1`, [steps.length]);
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw error;
	} finally {
		client.release();
	}
}
