import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` as an operator runs it (server/main.ts in a child process): a port that
 * is taken or a malformed setting gives one line naming the variable to change and exit
 * code 1, no stack; a second demo on the same machine (another PORT) takes a free MQTT port.
 */
const repo = join(import.meta.dirname, '..');
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
});

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

function startDemo(env: Record<string, string>): Run {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PORT|HOST|MQTT_\w+|CIM_\w+)$/.test(name)));
  // tsx as a loader in this one process (its CLI would run the server in a child our kill misses).
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repo,
    env: { ...inherited, SIMULATOR: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const run: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return run;
}

async function until(run: Run, pattern: RegExp, timeoutMs = 280_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(run.stdout);
    if (match) return match;
    if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in:\n${run.stdout}\n${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Holds a loopback port, as another program would. */
async function holdPort(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { server, port: (server.address() as { port: number }).port };
}

async function freePort(): Promise<number> {
  const { server, port } = await holdPort();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const expectOneLine = (stderr: string): void => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |Error:/);
};

describe('npm start', () => {
  it('HTTP port in use: one line naming the port and PORT, exit 1', async () => {
    const taken = await holdPort();
    try {
      const run = startDemo({ PORT: String(taken.port), CIM_LIVE: 'off' });
      expect(await run.exit).toBe(1);
      expect(run.stderr).toContain(`HTTP port ${taken.port} is already in use`);
      expect(run.stderr).toContain('set PORT to a free port');
      expectOneLine(run.stderr);
      expect(run.stdout).not.toContain('CIM Twin demo:');
    } finally {
      taken.server.close();
    }
  }, 60_000);

  it('malformed settings: one line naming the variable, exit 1', async () => {
    for (const [env, variable] of [
      [{ PORT: 'eighty' }, 'PORT must be a port number'],
      [{ PORT: String(await freePort()), MQTT_PORT: '70000' }, 'MQTT_PORT must be a port number'],
      [{ PORT: String(await freePort()), CIM_PUBLIC_URL: 'city.example' }, 'CIM_PUBLIC_URL is not a URL'],
    ] as const) {
      const run = startDemo(env);
      expect(await run.exit).toBe(1);
      expect(run.stderr).toContain(variable);
      expectOneLine(run.stderr);
    }
  }, 60_000);

  it('MQTT_PORT set and in use: one line naming the port and MQTT_PORT, exit 1', async () => {
    const taken = await holdPort();
    try {
      const run = startDemo({ PORT: String(await freePort()), MQTT_PORT: String(taken.port) });
      expect(await run.exit).toBe(1);
      expect(run.stderr).toContain(`MQTT TCP port ${taken.port} is already in use`);
      expect(run.stderr).toContain('set MQTT_PORT to a free port');
      expectOneLine(run.stderr);
    } finally {
      taken.server.close();
    }
  }, 60_000);

  it('a second demo with another PORT runs: the default MQTT port being taken, it takes a free one and says so', async () => {
    // The first demo, or whatever else holds 1883 on this machine.
    const first = await holdPort(1883).catch(() => undefined);
    try {
      const port = await freePort();
      const second = startDemo({ PORT: String(port) });
      const moved = await until(second, /MQTT TCP port 1883 is in use \(another CIM Twin\?\): devices connect on port (\d+) instead; set MQTT_PORT/);
      await until(second, /Live: \d+ sensors/);
      expect(second.stdout).toContain(`TCP for devices on 127.0.0.1:${moved[1]}`);
      expect(second.stderr).not.toMatch(/\n\s+at /);
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true });
      // And the same PORT again: refused with one line.
      const third = startDemo({ PORT: String(port) });
      expect(await third.exit).toBe(1);
      expect(third.stderr).toContain(`HTTP port ${port} is already in use`);
      expectOneLine(third.stderr);
    } finally {
      first?.server.close();
    }
  }, 300_000);
});
