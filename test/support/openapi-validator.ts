import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { expect } from "vitest";
import { parse } from "yaml";

/**
 * Every answer the local stack gives a test is checked against docs/openapi.yaml here, so the API
 * description cannot drift from the product: an undocumented status, a media type or required header the
 * operation does not declare, a body that breaks its schema (a missing required member, a wrong type) fails
 * the call that got it. Bodies that are not JSON (a .pkpass, the portal's HTML) and answers without a body
 * (204, 304, HEAD) are checked on status, media type and headers only.
 *
 * Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) checks the spec's own schemas; the spec is read as
 * it is, with its `$ref`s, so a schema is checked exactly as a client generator would read it.
 */

const SPEC_FILE = new URL("../../docs/openapi.yaml", import.meta.url);
/**
 * Where each worker appends one line per exchange; openapi-coverage-setup.ts adds them up.
 * OPENAPI_COVERAGE_DIR moves it (e.g. to add up files run one at a time beside other runs).
 */
export const COVERAGE_DIR = process.env.OPENAPI_COVERAGE_DIR
  ? pathToFileURL(`${process.env.OPENAPI_COVERAGE_DIR.replace(/\/+$/, "")}/`)
  : new URL("../output/openapi-coverage/", import.meta.url);
const ROOT_ID = "urn:loyalty-wallet:openapi";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** Headers that carry this API's own meaning: a response that sends one must declare it. */
const API_HEADERS = [
  "idempotent-replayed",
  "retry-after",
  "last-modified",
  "content-disposition",
  "cache-control",
];

type Json = Record<string, unknown>;

interface Operation {
  /** `GET /v1/customers/{customerId}`, as infra/routes.ts names a route. */
  key: string;
  method: string;
  pattern: RegExp;
  /** Literal segments win over templated ones, as in API Gateway. */
  params: number;
  responses: Record<string, Json>;
}

export interface Exchange {
  method: string;
  /** Absolute URL or path, with its query. */
  url: string;
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** False when the body could not be read (a browser download): status, media type and headers only. */
  bodyRead?: boolean;
}

export interface Verdict {
  /** The operation the request matched; undefined for a path or method the API does not have. */
  operation: string | undefined;
  problems: string[];
}

// ajv-formats is CommonJS: its default import is the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/** The spec with every `#/…` reference made absolute, so a schema compiled on its own still resolves them. */
function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" && inner.startsWith("#")
        ? ROOT_ID + inner
        : absoluteRefs(inner),
    ]),
  );
}

function loadSpec(): Json {
  return absoluteRefs(parse(readFileSync(SPEC_FILE, "utf8"))) as Json;
}

function pointer(document: Json, ref: string): Json {
  if (!ref.startsWith(`${ROOT_ID}#/`)) throw new Error(`unsupported $ref ${ref}`);
  let at: unknown = document;
  for (const raw of ref.slice(ROOT_ID.length + 2).split("/")) {
    const segment = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    at = (at as Json | undefined)?.[segment];
  }
  if (at === undefined || at === null || typeof at !== "object") throw new Error(`dangling $ref ${ref}`);
  return at as Json;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function operationsOf(spec: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries((spec.paths ?? {}) as Record<string, Json>)) {
    const parts = path.split(/\{[^}]+\}/);
    const pattern = new RegExp(`^${parts.map(escapeRegExp).join("[^/]+")}$`);
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        pattern,
        params: parts.length - 1,
        responses: (operation.responses ?? {}) as Record<string, Json>,
      });
    }
  }
  return operations.sort((a, b) => a.params - b.params);
}

const mediaTypeOf = (headers: Headers) => headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
const isJson = (mediaType: string) => mediaType === "application/json" || mediaType.endsWith("+json");

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) => `${e.instancePath || "(body)"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}

export interface ResponseValidator {
  validate(exchange: Exchange): Verdict;
  /** Every operation the spec has, by key, with the statuses it documents. */
  documentedStatuses(): Record<string, string[]>;
}

export function createResponseValidator(spec: Json = loadSpec()): ResponseValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  // OpenAPI's own schema keywords (3.1 §4.8.24) and its `binary` format for raw bodies.
  ajv.addVocabulary(["discriminator", "xml", "externalDocs", "example"]);
  ajv.addFormat("binary", true);
  // The schemas' `#/components/schemas/…` references resolve in a root that holds the components.
  ajv.addVocabulary(["components"]);
  ajv.addSchema({ $id: ROOT_ID, components: spec.components } as Json);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (where: string, schema: Json) => {
    let validate = compiled.get(where);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(where, validate);
    }
    return validate;
  };
  const deref = (value: Json): Json =>
    typeof value.$ref === "string" ? deref(pointer(spec, value.$ref)) : value;
  const operations = operationsOf(spec);

  function checkHeaders(where: string, response: Json, headers: Headers, problems: string[]) {
    const declaredHeaders = Object.keys((response.headers ?? {}) as Json).map((name) => name.toLowerCase());
    for (const name of API_HEADERS) {
      if (headers.has(name) && !declaredHeaders.includes(name))
        problems.push(`header ${name} is sent but not declared`);
    }
    for (const [name, declared] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const header = deref(declared);
      const value = headers.get(name);
      if (value === null) {
        if (header.required === true) problems.push(`required header ${name} is missing`);
        continue;
      }
      const schema = (header.schema ?? {}) as Json;
      const numeric = schema.type === "integer" || schema.type === "number";
      const candidate = numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      const validate = validatorAt(`${where} header ${name}`, schema);
      if (!validate(candidate))
        problems.push(
          `header ${name}: ${JSON.stringify(value)} ${describeErrors(validate.errors).join("; ")}`,
        );
    }
  }

  function validate(exchange: Exchange): Verdict {
    const url = new URL(exchange.url, "http://local");
    const method = exchange.method.toUpperCase();
    const onPath = operations.filter((op) => op.pattern.test(url.pathname));
    const operation = onPath.find((op) => op.method === method);
    const problems: string[] = [];
    const mediaType = mediaTypeOf(exchange.headers);
    const hasBody = exchange.body.length > 0 && method !== "HEAD";
    if (!operation) {
      // The gateway's own answer for a route the API does not have: a no-route problem, nothing else.
      const expected = onPath.length > 0 ? 405 : 404;
      if (exchange.status !== expected)
        problems.push(`no operation ${method} ${url.pathname}, yet status ${exchange.status}`);
      if (mediaType !== "application/problem+json") problems.push(`no-route answer as ${mediaType}`);
      return { operation: undefined, problems };
    }
    const where = `${operation.key} → ${exchange.status}`;
    const declared =
      operation.responses[String(exchange.status)] ?? operation.responses[`${String(exchange.status)[0]}XX`];
    if (!declared) {
      return { operation: operation.key, problems: [`status ${exchange.status} is not documented`] };
    }
    const response = deref(declared);
    checkHeaders(where, response, exchange.headers, problems);
    const content = (response.content ?? {}) as Record<string, Json>;
    if (exchange.bodyRead === false) {
      if (mediaType && !content[mediaType]) problems.push(`media type ${mediaType} is not declared`);
      return { operation: operation.key, problems };
    }
    if (!hasBody) {
      if (Object.keys(content).length > 0 && method !== "HEAD")
        problems.push(`no body, yet content is declared (${Object.keys(content).join(", ")})`);
      return { operation: operation.key, problems };
    }
    if (!mediaType)
      return { operation: operation.key, problems: [...problems, "a body without Content-Type"] };
    const media = content[mediaType];
    if (!media) {
      problems.push(
        `media type ${mediaType} is not declared (${Object.keys(content).join(", ") || "no content"})`,
      );
      return { operation: operation.key, problems };
    }
    if (!isJson(mediaType) || !media.schema) return { operation: operation.key, problems };
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(exchange.body));
    } catch {
      return { operation: operation.key, problems: [...problems, `${mediaType} body is not JSON`] };
    }
    const validateBody = validatorAt(`${where} ${mediaType}`, media.schema as Json);
    if (!validateBody(body)) problems.push(...describeErrors(validateBody.errors));
    return { operation: operation.key, problems };
  }

  return {
    validate,
    documentedStatuses: () => Object.fromEntries(operations.map((op) => [op.key, Object.keys(op.responses)])),
  };
}

let shared: ResponseValidator | undefined;
const validator = () => {
  shared ??= createResponseValidator();
  return shared;
};

/** Exchanges that broke the spec, kept so a caller that swallows the rejection (allSettled) still fails its file. */
const violations: string[] = [];

function record(operation: string | undefined, exchange: Exchange, problems: string[]) {
  mkdirSync(COVERAGE_DIR, { recursive: true });
  const line = JSON.stringify({
    file: testFile(),
    operation: operation ?? null,
    method: exchange.method.toUpperCase(),
    status: exchange.status,
    ok: problems.length === 0,
  });
  appendFileSync(new URL(`${process.pid}-${threadId}.jsonl`, COVERAGE_DIR), `${line}\n`);
}

/** The test file making the call, as vitest knows it (undefined outside a test). */
function testFile(): string | undefined {
  return expect.getState().testPath?.replace(/^.*?\/test\//, "test/");
}

/** Checks one exchange against the spec and counts it; throws naming every way it breaks the spec. */
export function assertConforms(exchange: Exchange): void {
  const { operation, problems } = validator().validate(exchange);
  record(operation, exchange, problems);
  if (problems.length === 0) return;
  const bodyText = new TextDecoder().decode(exchange.body.subarray(0, 600));
  const message = [
    `${exchange.method} ${exchange.url} answered ${exchange.status}, which docs/openapi.yaml does not describe (${operation ?? "no operation"}):`,
    ...problems.map((p) => `  - ${p}`),
    `  body: ${bodyText}`,
  ].join("\n");
  violations.push(message);
  throw new Error(message);
}

/** The violations seen in this worker since the last call, then forgotten (a stack's close reports them). */
export function takeViolations(): string[] {
  return violations.splice(0);
}

/**
 * `fetch` for tests: the same request, its answer checked against the spec (assertConforms) and handed
 * back whole, as a Response whose body can still be read.
 */
export async function conformingFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(input, init);
  const body = new Uint8Array(await response.arrayBuffer());
  assertConforms({
    method: init.method ?? "GET",
    url: String(input),
    status: response.status,
    headers: response.headers,
    body,
  });
  const nullBody = [101, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** What checkBrowserTraffic needs of a Playwright browser context (kept structural: no import of playwright here). */
interface BrowserTraffic {
  on(
    event: "response",
    listener: (response: {
      url(): string;
      status(): number;
      allHeaders(): Promise<Record<string, string>>;
      body(): Promise<Buffer>;
      request(): { method(): string };
    }) => unknown,
  ): unknown;
}

/**
 * The portal page's own calls (a browser test's fetches) checked like the test's: every response the
 * browser gets from the stack goes through assertConforms; a violation fails the file at the stack's close.
 */
export function checkBrowserTraffic(context: BrowserTraffic, baseUrl: string): void {
  context.on("response", async (response) => {
    if (!response.url().startsWith(baseUrl)) return;
    const method = response.request().method();
    const status = response.status();
    // A test that closes its page while a call is in flight (one it never waited for) leaves nothing to
    // read: that exchange goes unchecked rather than failing the run as an unhandled rejection.
    const allHeaders = await response.allHeaders().catch(() => undefined);
    if (!allHeaders) return;
    const headers = new Headers(allHeaders);
    // A redirect, HEAD or 204/304 has no body to read. Chromium keeps an attachment's body from Playwright
    // (empty despite its Content-Length): such an answer is checked on status, media type and headers.
    const noBody = method === "HEAD" || [204, 304].includes(status) || (status >= 300 && status < 400);
    const read = noBody ? Buffer.alloc(0) : await response.body().catch(() => undefined);
    const withheld = read?.length === 0 && Number(headers.get("content-length") ?? 0) > 0;
    const body = new Uint8Array(read ?? Buffer.alloc(0));
    const bodyRead = read !== undefined && !withheld;
    try {
      assertConforms({ method, url: response.url(), status, headers, body, bodyRead });
    } catch {
      // Kept in `violations`: the stack's close reports it.
    }
  });
}
