/**
 * The template workflows as files: what an import into n8n relies on, checked without n8n (the e2e
 * suite imports and runs them). Also that the committed JSON is what scripts/templates.mjs writes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const repo = join(__dirname, '..', '..', '..');
const dir = join(repo, 'workflows-templates');
const placeholders = JSON.parse(
	readFileSync(join(repo, 'scripts', 'template-placeholders.json'), 'utf8'),
);
const packageJson = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const ourNodeTypes = new Set(
	(packageJson.n8n.nodes as string[]).map((path) => {
		const name = basename(path, '.node.js');
		return `n8n-nodes-pos-sync.${name[0].toLowerCase()}${name.slice(1)}`;
	}),
);
const templates = readdirSync(dir)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));

describe('template workflows', () => {
	it('are exactly what scripts/templates.mjs writes, nine of them', () => {
		const result = spawnSync(
			process.execPath,
			[join(repo, 'scripts', 'templates.mjs'), '--check'],
			{ encoding: 'utf8' },
		);
		expect(result.status).toBe(0);
		const check = JSON.parse(result.stdout);
		expect(check.stale).toEqual([]);
		expect(check.templates).toEqual(templates.map((template) => template.file));
		expect(templates).toHaveLength(10);
	});

	it.each(templates)(
		'$file uses installed node types, credentials by name, and connects only nodes it has',
		({ workflow }) => {
			const names = new Set(workflow.nodes.map((node: { name: string }) => node.name));
			expect(names.size).toBe(workflow.nodes.length);
			expect(new Set(workflow.nodes.map((node: { id: string }) => node.id)).size).toBe(
				workflow.nodes.length,
			);
			expect(workflow.settings.executionOrder).toBe('v1');
			for (const node of workflow.nodes) {
				if (node.type.startsWith('n8n-nodes-pos-sync.')) expect(ourNodeTypes).toContain(node.type);
				else expect(node.type).toMatch(/^n8n-nodes-base\./);
				for (const [type, reference] of Object.entries(node.credentials ?? {})) {
					expect(reference).toEqual({ id: null, name: placeholders.credentials[type] });
				}
			}
			for (const [from, { main }] of Object.entries(
				workflow.connections as Record<string, { main: Array<Array<{ node: string }>> }>,
			)) {
				expect(names).toContain(from);
				for (const target of main.flat()) expect(names).toContain(target.node);
			}
		},
	);

	it.each(templates)('$file says what to set up in a sticky note', ({ workflow }) => {
		const notes = workflow.nodes.filter(
			(node: { type: string }) => node.type === 'n8n-nodes-base.stickyNote',
		);
		expect(notes.length).toBeGreaterThan(0);
		expect(notes[0].parameters.content).toMatch(/\*\*Set up\*\*/);
	});
});
