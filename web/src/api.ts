// Talks to the server's /api routes. Every request has a timeout and can be
// cancelled, so a slow answer to an old query never overwrites a newer one.

export const API_BASE = '/api/';
const TIMEOUT_MS = 10000;

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface Bucket {
  key: string;
  doc_count: number;
}

export interface Hit {
  _id: string;
  _source: BuildRecord;
  highlight?: Record<string, string[]>;
}

export interface SearchResponse {
  took: number;
  hits: { total: number; hits: Hit[] };
  aggregations?: Record<string, any>;
  suggest?: Record<string, { options?: { text: string }[] }[]>;
}

export interface BuildRecord {
  id?: number;
  build?: Record<string, any>;
  source?: Record<string, any>;
  target?: Record<string, any>;
  download?: Record<string, any>;
  _meta?: Record<string, any>;
}

export interface RejectedBuild {
  id: number;
  source: string;
  key: string;
  etag: string;
  errors: string[];
  rejected_at: string;
  last_seen_at: string;
  attempts: number;
}

export interface RejectedPage {
  total: number;
  limit: number;
  offset: number;
  rejected: RejectedBuild[];
}

async function request<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), TIMEOUT_MS);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort);
  try {
    let response: Response;
    try {
      response = await fetch(API_BASE + path, { ...init, signal: controller.signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      if (controller.signal.aborted) throw new ApiError(`The server did not answer within ${TIMEOUT_MS / 1000} s`, 0);
      throw new ApiError(`Could not reach the server (${(e as Error).message})`, 0);
    }
    const text = await response.text();
    let body: any = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new ApiError(`The server sent something that is not JSON (HTTP ${response.status})`, response.status);
    }
    if (!response.ok) {
      const message = body && typeof body.error === 'string' ? body.error : body?.error?.reason ?? `HTTP ${response.status}`;
      throw new ApiError(message, response.status);
    }
    return body as T;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

export function search(body: unknown, signal?: AbortSignal): Promise<SearchResponse> {
  return request<SearchResponse>(
    'search',
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
    signal,
  );
}

export function getRecord(id: string, signal?: AbortSignal): Promise<BuildRecord> {
  return request<BuildRecord>(`records/${encodeURIComponent(id)}`, { method: 'GET' }, signal);
}

export function getRecordCount(signal?: AbortSignal): Promise<{ builds: { total: number } }> {
  return request('records', { method: 'GET' }, signal);
}

export function getRejected(limit: number, offset: number, signal?: AbortSignal): Promise<RejectedPage> {
  return request<RejectedPage>(`rejected?limit=${limit}&offset=${offset}`, { method: 'GET' }, signal);
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
