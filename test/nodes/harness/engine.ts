/**
 * Runs workflows through n8n's own engine (`WorkflowExecute` from n8n-core) in the test process:
 * real parameter resolution, expressions, item pairing, continueOnFail and output routing, without
 * a server. Credentials come from the test, decrypted.
 */
import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	ICredentialType,
	IExecuteFunctions,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IBinaryData } from 'n8n-workflow';
import { Container } from '@n8n/di';
import {
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';

/**
 * n8n reads its settings from the environment once, on first use: give the engine a user folder of
 * its own (binary data is kept in files there, as in a real n8n) and one folder nodes may read.
 */
const userFolder = mkdtempSync(join(tmpdir(), 'pos-sync-engine-'));
process.env.N8N_USER_FOLDER = userFolder;
/** The only folder nodes may read files from (N8N_RESTRICT_FILE_ACCESS_TO). */
export const FILES_FOLDER = join(userFolder, 'files');
mkdirSync(FILES_FOLDER);
process.env.N8N_RESTRICT_FILE_ACCESS_TO = FILES_FOLDER;

/** The package name n8n gives our node types once installed. */
export const PACKAGE = 'n8n-nodes-pos-sync';

/** A start node that outputs the items a test gives it (its `items` parameter, as JSON). */
class TestInput implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Input',
		name: 'testInput',
		group: ['input'],
		version: 1,
		description: 'Outputs the items given to it',
		defaults: { name: 'Test Input' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | INodeExecutionData[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as INodeExecutionData[];
		return [items.map((item, index) => ({ ...item, pairedItem: { item: index } }))];
	}
}

class NodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	add(name: string, type: INodeType | IVersionedNodeType) {
		this.types.set(name, type);
	}

	getByName(name: string) {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}

	getKnownTypes() {
		return {};
	}
}

class CredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly values: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes() {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		request: IHttpRequestOptions,
	) {
		const authenticate = this.types[typeName]?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, request);
		if (authenticate?.type === 'generic') {
			const { auth, headers, qs, body } = authenticate.properties as IDataObject;
			const resolve = (value: unknown) =>
				typeof value === 'string'
					? value.replace(/=?\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) =>
							String(credentials[key] ?? ''),
						)
					: value;
			const resolveAll = (object: unknown) =>
				object
					? Object.fromEntries(
							Object.entries(object as IDataObject).map(([key, value]) => [key, resolve(value)]),
						)
					: undefined;
			if (auth) request.auth = resolveAll(auth) as IHttpRequestOptions['auth'];
			if (headers)
				request.headers = { ...request.headers, ...(resolveAll(headers) as IDataObject) };
			if (qs) request.qs = { ...request.qs, ...(resolveAll(qs) as IDataObject) };
			if (body) request.body = { ...(request.body as IDataObject), ...resolveAll(body) };
		}
		return request;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getCredentialsProperties() {
		return [];
	}

	async getDecrypted(_data: IWorkflowExecuteAdditionalData, _details: unknown, type: string) {
		const values = this.values[type];
		if (!values) throw new Error(`The test gave no ${type} credentials`);
		return values;
	}

	async getCredentials() {
		return new Credentials({ id: null, name: '' }, '', '');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getOAuth2Options() {
		return undefined;
	}

	isCredentialUsableByNode() {
		return true;
	}
}

export interface WorkflowSpec {
	nodes: Array<
		Omit<INode, 'id' | 'typeVersion' | 'position'> &
			Partial<Pick<INode, 'id' | 'typeVersion' | 'position'>>
	>;
	connections: IConnections;
	/** Our node types by short name (`mappingApply`), plus any others the workflow uses. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes?: Record<string, ICredentialType>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/**
	 * The workflow's static data. Pass the same object to several runs to have them share it, as
	 * the runs of an active workflow do (n8n itself does not save it for manual runs).
	 */
	staticData?: IDataObject;
	/** n8n's execution order; the templates use v1 (a node with two inputs runs once either has data). */
	executionOrder?: 'v0' | 'v1';
}

let binaryDataReady: Promise<void> | undefined;
let executions = 0;

/** Runs the workflow from its node without inputs, to the end, and returns n8n's run data. */
export async function runWorkflow(spec: WorkflowSpec): Promise<IRun> {
	binaryDataReady ??= Container.get(BinaryDataService).init();
	await binaryDataReady;

	const nodeTypes = new NodeTypes();
	nodeTypes.add('testInput', new TestInput());
	for (const [name, type] of Object.entries(spec.nodeTypes))
		nodeTypes.add(`${PACKAGE}.${name}`, type);

	const nodes: INode[] = spec.nodes.map((node, index) => ({
		id: node.id ?? `node-${index}`,
		typeVersion: node.typeVersion ?? 1,
		position: node.position ?? [index * 200, 0],
		...node,
	}));
	const workflow = new Workflow({
		id: 'test',
		name: 'test',
		nodes,
		connections: spec.connections,
		nodeTypes,
		active: false,
		settings: spec.executionOrder ? { executionOrder: spec.executionOrder } : {},
		staticData: spec.staticData,
	});

	// Each run is its own execution, as in n8n: the sync ledger tells runs apart by it.
	const executionId = `execution-${++executions}`;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'test',
		name: 'test',
		nodes,
		connections: spec.connections,
		active: false,
	} as never);
	let finish!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (finish = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finish(run));

	const credentialsHelper = new CredentialsHelper(
		spec.credentialTypes ?? {},
		spec.credentials ?? {},
	);
	const additionalData = {
		hooks,
		credentialsHelper,
		executionId,
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		formWaitingBaseUrl: 'http://localhost/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in node tests');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Code runners are not available in node tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const start = nodes.find(
		(node) => workflow.getParentNodes(node.name).length === 0 && !node.disabled,
	);
	if (!start) throw new Error('The workflow has no start node');
	const runData: IRunExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;

	await new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(workflow);
	return await finished;
}

/** The items a node put on one of its outputs in its first run ([] when it output nothing there). */
export function outputOf(run: IRun, nodeName: string, output = 0): INodeExecutionData[] {
	const task = run.data.resultData.runData[nodeName]?.[0];
	if (!task) throw new Error(`"${nodeName}" did not run${describeError(run)}`);
	if (task.error) throw new Error(`"${nodeName}" failed: ${task.error.message}`);
	return task.data?.main?.[output] ?? [];
}

/** The error a node stopped the run with. */
export function errorOf(run: IRun, nodeName: string) {
	const task = run.data.resultData.runData[nodeName]?.[0];
	if (!task?.error) throw new Error(`"${nodeName}" did not fail`);
	return task.error;
}

function describeError(run: IRun) {
	const error = run.data.resultData.error;
	return error ? `: the run stopped with "${error.message}"` : '';
}

/** The bytes of a binary field, wherever n8n keeps them. */
export async function binaryBuffer(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

export interface PollSpec {
	/** The polling node; its type is `${PACKAGE}.<name>` with <name> a key of nodeTypes. */
	node: Omit<INode, 'id' | 'typeVersion' | 'position'> &
		Partial<Pick<INode, 'id' | 'typeVersion' | 'position'>>;
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes?: Record<string, ICredentialType>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** 'manual' is "Fetch Test Event" in the editor; 'trigger' is a scheduled poll of an active workflow. */
	mode?: 'manual' | 'trigger';
	/** The workflow's static data; pass the same object to successive polls, as an active workflow keeps it. */
	staticData?: IDataObject;
}

/**
 * Runs one poll of a polling trigger the way n8n does: a real Workflow (parameters resolved with
 * their defaults) and n8n-core's PollContext, so static data, credentials and mode are n8n's own.
 */
export async function pollNode(spec: PollSpec): Promise<INodeExecutionData[][] | null> {
	const nodeTypes = new NodeTypes();
	for (const [name, type] of Object.entries(spec.nodeTypes))
		nodeTypes.add(`${PACKAGE}.${name}`, type);
	const node: INode = { id: 'poll-node', typeVersion: 1, position: [0, 0], ...spec.node };
	const workflow = new Workflow({
		id: 'test',
		name: 'test',
		nodes: [node],
		connections: {},
		nodeTypes,
		active: true,
		settings: {},
		staticData: spec.staticData,
	});
	const mode = spec.mode ?? 'trigger';
	const additionalData = {
		credentialsHelper: new CredentialsHelper(spec.credentialTypes ?? {}, spec.credentials ?? {}),
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		formWaitingBaseUrl: 'http://localhost/form-waiting',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.poll) throw new Error(`${node.type} is not a polling node`);
	const context = new PollContext(
		workflow,
		workflow.getNode(node.name)!,
		additionalData,
		mode,
		mode === 'manual' ? 'manual' : 'activate',
	);
	return await nodeType.poll.call(context);
}

export interface ListSearchSpec {
	/** The node as it sits in the editor; its type is `${PACKAGE}.<name>` with <name> a key of nodeTypes. */
	node: Omit<INode, 'id' | 'typeVersion' | 'position'> &
		Partial<Pick<INode, 'id' | 'typeVersion' | 'position'>>;
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes?: Record<string, ICredentialType>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The parameter whose picker asks, e.g. `options.salesSource`. */
	path: string;
	method: string;
	filter?: string;
}

/** Opens a "From List" picker the way the editor asks n8n to: the node's listSearch method in n8n-core's LoadOptionsContext. */
export async function listSearch(spec: ListSearchSpec): Promise<INodeListSearchResult> {
	const { nodeType, context, node } = pickerContext(spec);
	const method = nodeType.methods?.listSearch?.[spec.method];
	if (!method) throw new Error(`${node.type} has no listSearch method ${spec.method}`);
	return await method.call(context, spec.filter);
}

/** Opens an options or multi-options list the way the editor asks n8n to: the node's loadOptions method in n8n-core's LoadOptionsContext. */
export async function loadOptions(
	spec: Omit<ListSearchSpec, 'filter'>,
): Promise<INodePropertyOptions[]> {
	const { nodeType, context, node } = pickerContext(spec);
	const method = nodeType.methods?.loadOptions?.[spec.method];
	if (!method) throw new Error(`${node.type} has no loadOptions method ${spec.method}`);
	return await method.call(context);
}

function pickerContext(spec: Omit<ListSearchSpec, 'filter'>) {
	const nodeTypes = new NodeTypes();
	for (const [name, type] of Object.entries(spec.nodeTypes))
		nodeTypes.add(`${PACKAGE}.${name}`, type);
	const node: INode = { id: 'picker-node', typeVersion: 1, position: [0, 0], ...spec.node };
	const workflow = new Workflow({
		id: 'test',
		name: 'test',
		nodes: [node],
		connections: {},
		nodeTypes,
		active: false,
		settings: {},
	});
	const additionalData = {
		credentialsHelper: new CredentialsHelper(spec.credentialTypes ?? {}, spec.credentials ?? {}),
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const context = new LoadOptionsContext(
		workflow,
		workflow.getNode(node.name)!,
		additionalData,
		spec.path,
	);
	return { nodeType, context, node };
}
