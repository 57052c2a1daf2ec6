/**
 * What `npm pack` publishes, made from a clean clone of the repository (so nothing left over from a
 * local build can hide a missing build step): the compiled nodes and credentials n8n is told about,
 * their icons and codex files, the templates and the documentation the README links to, and no
 * TypeScript sources, declaration files or tests.
 */
import { execFileSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoDir } from './harness';

let work: string;
let files: string[];
let tarballBytes: number;
let unpacked: string;
let manifest: {
	n8n: { nodes: string[]; credentials: string[] };
	engines: { node: string };
	files: string[];
};

beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'pos-sync-pack-'));
	const clone = join(work, 'clone');
	execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoDir, clone]);
	// The clone has what the repository has, and the dependencies npm ci would install.
	symlinkSync(join(repoDir, 'node_modules'), join(clone, 'node_modules'));
	const out = join(work, 'out');
	mkdirSync(out);
	// The repository's .npmrc turns scripts off for installs (isolated-vm); packing must run prepack.
	execFileSync(
		'npm',
		['pack', '--ignore-scripts=false', '--pack-destination', out, '--loglevel=error'],
		{ cwd: clone, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 },
	);
	const [tarball] = readdirSync(out).filter((name) => name.endsWith('.tgz'));
	tarballBytes = statSync(join(out, tarball)).size;
	files = execFileSync('tar', ['-tzf', join(out, tarball)], { encoding: 'utf8' })
		.split('\n')
		.filter(Boolean)
		.map((entry) => entry.replace(/^package\//, ''));
	unpacked = join(work, 'unpacked');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', join(out, tarball), '-C', unpacked, '--strip-components=1']);
	manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
	process.stdout.write(`tarball: ${tarball}, ${tarballBytes} bytes, ${files.length} files\n`);
});

afterAll(() => {
	if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack from a clean clone', () => {
	it('builds before packing, and ships every node and credential n8n is told to load, each loadable', () => {
		const entries = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
		// Eight nodes and two credentials.
		expect(entries.length).toBe(11);
		for (const entry of entries) expect(files).toContain(entry);
		symlinkSync(join(repoDir, 'node_modules'), join(unpacked, 'node_modules'));
		for (const entry of manifest.n8n.nodes) {
			// n8n loads the class named as the file is.
			const className = /([^/]+)\.node\.js$/.exec(entry)?.[1] ?? '';
			const NodeClass = (
				require(join(unpacked, entry)) as Record<
					string,
					new () => { description: { name: string } }
				>
			)[className];
			expect(typeof NodeClass).toBe('function');
			const { name, version } = (
				new NodeClass() as unknown as { description: { name: string; version: number | number[] } }
			).description;
			expect(typeof name).toBe('string');
			// A workflow saved with typeVersion 1 loads it: every node lists its versions, starting at 1.
			expect([version].flat()[0]).toBe(1);
		}
	});

	it('ships each node a light and a dark icon and a codex file whose documentation links point at docs it ships', () => {
		for (const entry of manifest.n8n.nodes) {
			const folder = entry.replace(/\/[^/]+$/, '');
			const codexFile = entry.replace(/\.js$/, '.json');
			expect(files).toContain(codexFile);
			const icons = files.filter((file) => file.startsWith(`${folder}/`) && file.endsWith('.svg'));
			expect(icons.filter((file) => file.endsWith('.dark.svg'))).toHaveLength(1);
			expect(icons.filter((file) => !file.endsWith('.dark.svg'))).toHaveLength(1);
			const codex = JSON.parse(readFileSync(join(unpacked, codexFile), 'utf8'));
			expect(codex.categories).not.toContain('Core Nodes');
			const links = [
				...(codex.resources?.primaryDocumentation ?? []),
				...(codex.resources?.credentialDocumentation ?? []),
			].map((link: { url: string }) => link.url);
			expect(links.length).toBeGreaterThan(0);
			for (const link of links) expect(files).toContain(shippedDoc(link));
		}
	});

	it('ships the documentation the README links to', () => {
		const readme = readFileSync(join(unpacked, 'README.md'), 'utf8');
		const links = [...readme.matchAll(/\]\((https:\/\/[^)\s#]+)/g)]
			.map((match) => match[1])
			.filter((link) => link.includes('/n8n-nodes-pos-sync/'));
		expect(links.length).toBeGreaterThanOrEqual(5);
		for (const link of links) expect(files).toContain(shippedDoc(link));
		expect(files).toEqual(
			expect.arrayContaining([
				'docs/dotdigital.md',
				'docs/khaos-control.md',
				'docs/mapping-workbook.md',
				'docs/operations.md',
				'docs/pos-file-trigger.md',
				'CHANGELOG.md',
				'LICENSE',
			]),
		);
	});

	it('ships the templates and the mapping workbook template', () => {
		expect(
			files.filter((file) => file.startsWith('dist/workflows-templates/') && file.endsWith('.json'))
				.length,
		).toBeGreaterThan(0);
		expect(files.some((file) => /^dist\/[^/]+\.xlsx$/.test(file))).toBe(true);
	});

	it('ships no TypeScript sources, declaration files, source maps or tests', () => {
		expect(
			files.filter((file) => /\.ts$|\.map$|^test\/|^src\/|^scripts\/|^bench\//.test(file)),
		).toEqual([]);
		expect(existsSync(join(unpacked, 'tsconfig.json'))).toBe(false);
	});
});

/** The file in the package a documentation link names (links go to the published package's own files). */
function shippedDoc(link: string): string {
	const match = /\/n8n-nodes-pos-sync\/(.+)$/.exec(link);
	if (!match) throw new Error(`${link} does not point into the package`);
	return match[1];
}
