/** What an API call answered: the status, the body (parsed when JSON, else text) and the headers. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * One request to a test server's API as a client makes it: a bearer token when given, a JSON body
 * (or a string sent as is, under `contentType`).
 */
export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; contentType?: string } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const body: unknown = (response.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : text;
  return { status: response.status, body, headers: response.headers };
}
