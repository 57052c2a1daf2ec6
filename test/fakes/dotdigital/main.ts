/**
 * Runs the fake Dotdigital on its own, for a sandbox n8n:
 *   node .build/test/fakes/dotdigital/main.js [--port 8091] [--host 0.0.0.0] [--user u --password p] [--region r2]
 *     [--rate-limit 60] [--import-ms 300] [--import-max-ms 300]
 * or FAKE_DOTDIGITAL_PORT, FAKE_DOTDIGITAL_HOST, FAKE_DOTDIGITAL_USER, FAKE_DOTDIGITAL_PASSWORD,
 * FAKE_DOTDIGITAL_REGION, FAKE_DOTDIGITAL_RATE_LIMIT, FAKE_DOTDIGITAL_IMPORT_MS, FAKE_DOTDIGITAL_IMPORT_MAX_MS.
 * Prints one JSON line {baseUrl, rootUrl, adminUrl, user, region}, then serves until SIGINT or SIGTERM.
 */
import { startFakeDotdigital } from './server';
import type { FakeDotdigital, Region } from './types';

function option(args: string[], name: string, env: string): string | undefined {
	const index = args.indexOf(`--${name}`);
	if (index !== -1 && index + 1 < args.length) return args[index + 1];
	const inline = args.find((arg) => arg.startsWith(`--${name}=`));
	if (inline !== undefined) return inline.slice(name.length + 3);
	return process.env[env] || undefined;
}

function wholeNumber(
	text: string | undefined,
	name: string,
	max = Number.MAX_SAFE_INTEGER,
): number | undefined {
	if (text === undefined) return undefined;
	const value = Number(text);
	if (!Number.isInteger(value) || value < 0 || value > max)
		throw new Error(`Invalid ${name} '${text}'`);
	return value;
}

/** Starts the fake and prints its JSON line; answers the running fake. */
export async function main(
	args: string[] = process.argv.slice(2),
	print: (line: string) => void = (line) => process.stdout.write(line),
): Promise<FakeDotdigital> {
	const port = wholeNumber(option(args, 'port', 'FAKE_DOTDIGITAL_PORT') ?? '8091', 'port', 65535);
	const user = option(args, 'user', 'FAKE_DOTDIGITAL_USER');
	const password = option(args, 'password', 'FAKE_DOTDIGITAL_PASSWORD');
	if ((user === undefined) !== (password === undefined))
		throw new Error('Give both --user and --password, or neither');
	const region = option(args, 'region', 'FAKE_DOTDIGITAL_REGION') ?? 'r1';
	if (region !== 'r1' && region !== 'r2' && region !== 'r3')
		throw new Error(`Invalid region '${region}' (use r1, r2 or r3)`);
	const fake = await startFakeDotdigital({
		port,
		host: option(args, 'host', 'FAKE_DOTDIGITAL_HOST') ?? '127.0.0.1',
		user,
		password,
		region: region as Region,
		rateLimitPerMinute: wholeNumber(
			option(args, 'rate-limit', 'FAKE_DOTDIGITAL_RATE_LIMIT'),
			'rate limit',
		),
		importMs: wholeNumber(option(args, 'import-ms', 'FAKE_DOTDIGITAL_IMPORT_MS'), 'import ms'),
		importMaxMs: wholeNumber(
			option(args, 'import-max-ms', 'FAKE_DOTDIGITAL_IMPORT_MAX_MS'),
			'import max ms',
		),
	});
	print(
		`${JSON.stringify({ baseUrl: fake.baseUrl, rootUrl: fake.rootUrl, adminUrl: fake.adminUrl, user: fake.user, region: fake.region })}\n`,
	);
	return fake;
}

if (require.main === module) {
	main().then(
		(fake) => {
			const shutdown = (): void => {
				fake.stop().then(
					() => process.exit(0),
					() => process.exit(1),
				);
			};
			process.once('SIGINT', shutdown);
			process.once('SIGTERM', shutdown);
		},
		(error: unknown) => {
			process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
			process.exit(1);
		},
	);
}
