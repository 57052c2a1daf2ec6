/**
 * `npm run scan`: n8n's community-package scanner (@n8n/scan-community-package), run the way it runs
 * on a published version, over this checkout's sources and over the tarball `npm pack` makes of it.
 * Its registry and provenance steps are skipped: the package is scanned before it is published.
 * Prints the scanner's findings; exits 1 when there are any not listed in docs/scanner-findings.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const { analyzePackage, SOURCE_FILE_PATTERNS } =
	await import('@n8n/scan-community-package/scanner/scanner.mjs');

const work = mkdtempSync(join(tmpdir(), 'pos-sync-scan-'));
try {
	const tarball = process.argv[2] ?? pack(work);
	const packageDir = join(work, 'package');
	execFileSync('tar', ['-xzf', tarball, '-C', work]);
	const source = await analyzePackage(repoDir, SOURCE_FILE_PATTERNS);
	const dist = await analyzePackage(packageDir, ['**/*.js', 'package.json']);
	const findings = [
		...parse(source.details, repoDir, 'source'),
		...parse(dist.details, packageDir, 'tarball'),
	];
	for (const finding of findings)
		process.stdout.write(
			`${finding.where}\t${finding.file}:${finding.line}\t${finding.rule}\t${finding.message}\n`,
		);
	const rules = new Map();
	for (const finding of findings) rules.set(finding.rule, (rules.get(finding.rule) ?? 0) + 1);
	process.stdout.write(
		`\n${findings.length} finding(s)${findings.length ? `: ${[...rules].map(([rule, count]) => `${rule} ${count}`).join(', ')}` : ''}\n`,
	);
	const explained = readFileSync(join(repoDir, 'docs', 'scanner-findings.md'), 'utf8');
	const unexplained = [...rules.keys()].filter((rule) => !explained.includes(`\`${rule}\``));
	if (unexplained.length > 0) {
		process.stdout.write(`Not explained in docs/scanner-findings.md: ${unexplained.join(', ')}\n`);
		process.exitCode = 1;
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}

function pack(into) {
	const name = execFileSync(
		'npm',
		['pack', '--ignore-scripts=false', '--silent', '--pack-destination', into],
		{ cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
	)
		.trim()
		.split('\n')
		.pop();
	return join(into, name);
}

/** The stylish formatter's text, back into one finding a line. */
function parse(details, root, where) {
	const findings = [];
	let file = '';
	for (const line of (details ?? '').split('\n')) {
		if (line.startsWith('/')) file = line.trim().slice(root.length).replace(/^\//, '');
		const match = /^\s+(\d+):(\d+)\s+(?:error|warning)\s+(.*?)\s{2,}(\S+)$/.exec(line);
		if (match) findings.push({ where, file, line: match[1], message: match[3], rule: match[4] });
	}
	return findings;
}
