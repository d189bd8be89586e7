import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildReport } from '../tiles-pipeline/src/report/BuildReport.js';
import type { CorpusCase } from './fixtures/malformed/makeCorpus.js';
import { OfficialValidationBatch } from './support/officialValidator.js';
import { runCli } from './support/runCli.js';

const corpus = join(import.meta.dirname, 'fixtures/malformed');
const cases = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as CorpusCase[];
/** What the cases wrote, validated at the end by the official validator in one process. */
const official = new OfficialValidationBatch();

describe('malformed-input corpus: one defect per file', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of cases) {
    it(`${c.name}`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'cim-corpus-')), 'out');
      const file = join(corpus, 'files', c.file);
      const { code, stdout, stderr } = await runCli(['buildings', file, '--out', out, '--jobs', '1', ...(c.args ?? [])]);
      expect(code, stderr + stdout).toBe(c.exit);
      expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack traces
      if (c.exit === 0 || c.exit === 3) {
        official.add(c.name, join(out, 'tileset.json'));
        const report = JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as BuildReport;
        expect(report.features.written).toBe(c.written);
        if (c.kind === 'skipped') {
          const issue = report.skipped.find((s) => s.code === c.code);
          expect(issue, JSON.stringify(report.skipped)).toBeDefined();
          expect(issue!.file).toBe(file);
          expect(issue!.feature).not.toBe('');
          expect(issue!.message.length).toBeGreaterThan(5);
          expect(stdout).toContain(c.code!);
        } else if (c.kind === 'repaired') {
          expect(report.repairs.byCode[c.code!], JSON.stringify(report.repairs)).toBeGreaterThan(0);
        }
        expect(report.features.read).toBe(report.features.written + report.features.skipped);
      } else {
        expect(stderr).toContain(c.message!);
        if (c.exit === 1) expect(stderr).toContain(c.file.replace(/\.shp$/, ''));
        expect(existsSync(join(out, 'tileset.json'))).toBe(false); // nothing half-written is published
      }
    });
  }

  it('every tileset the cases wrote passes the official 3d-tiles-validator: 0 errors, 0 warnings', async () => {
    expect(official.size).toBeGreaterThan(0);
    const findings = await official.findings();
    for (const [label, lines] of Object.entries(findings)) expect(lines, label).toEqual([]);
  }, 300_000);

  it('the real CLI prints a positioned error and no stack trace for a truncated file', () => {
    const bin = join(import.meta.dirname, '../tiles-pipeline/bin/cim-twin.mjs');
    const out = join(mkdtempSync(join(tmpdir(), 'cim-corpus-')), 'out');
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'buildings', join(corpus, 'files/truncated.geojson'), '--out', out], { stdio: 'pipe' });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      status = e.status;
      stderr = e.stderr.toString();
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/truncated\.geojson at byte \d+ \(line \d+\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
