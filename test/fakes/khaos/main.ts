/**
 * Runs the fake Khaos on its own, for a sandbox n8n:
 *   node .build/test/fakes/khaos/main.js [--port 8090] [--host 0.0.0.0] [--exe KhaosKSD.exe] [--user u --password p]
 * or FAKE_KHAOS_PORT, FAKE_KHAOS_HOST, FAKE_KHAOS_EXE, FAKE_KHAOS_USER, FAKE_KHAOS_PASSWORD.
 * Prints one JSON line with the URLs, then serves until SIGINT or SIGTERM.
 */
import { startFakeKhaos } from './server';

function option(args: string[], name: string, env: string): string | undefined {
	const index = args.indexOf(`--${name}`);
	if (index !== -1 && index + 1 < args.length) return args[index + 1];
	const inline = args.find((arg) => arg.startsWith(`--${name}=`));
	if (inline !== undefined) return inline.slice(name.length + 3);
	return process.env[env] || undefined;
}

export async function main(args: string[] = process.argv.slice(2)): Promise<void> {
	const portText = option(args, 'port', 'FAKE_KHAOS_PORT') ?? '8090';
	const port = Number(portText);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`Invalid port '${portText}'`);
	const user = option(args, 'user', 'FAKE_KHAOS_USER');
	const password = option(args, 'password', 'FAKE_KHAOS_PASSWORD');
	if ((user === undefined) !== (password === undefined))
		throw new Error('Give both --user and --password, or neither');
	const fake = await startFakeKhaos({
		port,
		host: option(args, 'host', 'FAKE_KHAOS_HOST') ?? '127.0.0.1',
		exeName: option(args, 'exe', 'FAKE_KHAOS_EXE') ?? 'KhaosKSD.exe',
		basicAuth: user !== undefined && password !== undefined ? { user, password } : undefined,
	});
	process.stdout.write(
		`${JSON.stringify({ baseUrl: fake.baseUrl, wsdlUrl: fake.wsdlUrl, endpointUrl: fake.endpointUrl, adminUrl: `${fake.baseUrl}/__admin/` })}\n`,
	);
	const shutdown = (): void => {
		fake.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
