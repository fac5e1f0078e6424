// The JSON API's description (issue 11: "validate the document in CI with a validator we did
// not write"): /api/openapi.json, as the running server sends it, checked by the Python
// `openapi-spec-validator` (PyPI, installed by scripts/setup.sh) — the OpenAPI 3.1 schema plus
// its semantic rules: path parameters that match their templates, unique operation ids. Then
// the same two rules once more here, listing every offender rather than the first.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Parameter = { name: string; in: string };
type Operation = { operationId?: string; parameters?: Parameter[] };

test('the OpenAPI document passes an independent validator', async ({ request }) => {
  const response = await request.get('/api/openapi.json');
  expect(response.status()).toBe(200);
  const text = await response.text();
  const document = JSON.parse(text);
  expect(document.openapi).toMatch(/^3\.1\./);

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'callcard-openapi-')), 'openapi.json');
  fs.writeFileSync(file, text);
  let verdict: string;
  try {
    verdict = execFileSync('python3', ['-m', 'openapi_spec_validator', file], { encoding: 'utf8' });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    verdict = `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message;
  }
  expect(verdict.trim()).toBe(`${file}: OK`);

  const offenders: string[] = [];
  const operationIds = new Map<string, string>();
  for (const [route, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    const inTemplate = new Set([...route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]));
    for (const [method, operation] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${route}`;
      const parameters = operation.parameters ?? [];
      for (const parameter of parameters) {
        if ((parameter.in === 'path') !== inTemplate.has(parameter.name)) {
          offenders.push(`${name}: ${parameter.in} parameter ${parameter.name}`);
        }
      }
      const declared = new Set(parameters.filter((p) => p.in === 'path').map((p) => p.name));
      for (const parameter of inTemplate) {
        if (!declared.has(parameter)) offenders.push(`${name}: {${parameter}} undeclared`);
      }
      const id = operation.operationId ?? '';
      if (operationIds.has(id)) offenders.push(`${name}: operationId ${id} also on ${operationIds.get(id)}`);
      operationIds.set(id, name);
    }
  }
  expect(offenders).toEqual([]);
});
