#!/usr/bin/env node
// validate-datapackage.js DIR... - check each output directory's datapackage.json with the
// Frictionless reference implementation for JavaScript (npm's datapackage and tableschema,
// pinned in package.json here): the descriptor against the tabular-data-package profile
// (every resource against tabular-data-resource), then every row of every resource read
// and cast through its Table Schema (types, "nan" as a missing value, the infinities as
// INF and -INF, enum and pattern constraints, the header against the field names).
// A resource with "compression": "gz" is read through zlib, which the library leaves to
// the caller.
//
// Prints one line per directory ("DIR: valid, R resources, N rows") and, for an invalid
// one, up to 10 errors each naming the file, line and field. Exit status: 0 when every
// directory is valid, 1 otherwise, 2 on bad usage.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { Package } = require('datapackage');
const { Table } = require('tableschema');

const MAX_ERRORS = 10;

async function checkResource(dir, res, errors) {
  const file = path.join(dir, res.path);
  const source = () => {
    const s = fs.createReadStream(file);
    return res.compression === 'gz' ? s.pipe(zlib.createGunzip()) : s;
  };
  // The delimiter from the resource's dialect (the library would otherwise guess it from
  // the first chunk of the stream, which for a gunzipped one may hold no whole line).
  const delimiter = (res.dialect && res.dialect.delimiter) || ',';
  const table = await Table.load(source, { schema: res.schema, headers: 1, delimiter });
  let rows;
  try {
    rows = await table.read({ forceCast: true });
  } catch (e) {
    errors.push(`${res.path}: ${e.message}`);
    return 0;
  }
  rows.forEach((row, i) => {
    if (!(row instanceof Error)) return;
    const cells = (row.errors || [row]).map((e) => {
      const col = e.columnNumber ? `${res.schema.fields[e.columnNumber - 1].name}: ` : '';
      return col + e.message;
    });
    errors.push(`${res.path}: line ${i + 2}: ${cells.join('; ')}`);
  });
  return rows.length;
}

async function checkDir(dir) {
  const errors = [];
  const descriptor = path.join(dir, 'datapackage.json');
  let pkg;
  try {
    pkg = await Package.load(descriptor, { basePath: dir, strict: false });
  } catch (e) {
    return { errors: [`datapackage.json: ${e.message}`], resources: 0, rows: 0 };
  }
  if (!pkg.valid) pkg.errors.forEach((e) => errors.push(`datapackage.json: ${e.message}`));
  if (pkg.descriptor.profile !== 'tabular-data-package') {
    errors.push(`datapackage.json: profile ${pkg.descriptor.profile}, not tabular-data-package`);
  }
  let rows = 0;
  for (const res of pkg.descriptor.resources || []) {
    if (!res.valid && pkg.resources) {
      const r = pkg.resources.find((x) => x.name === res.name);
      if (r && !r.valid) r.errors.forEach((e) => errors.push(`${res.path}: ${e.message}`));
    }
    rows += await checkResource(dir, res, errors);
  }
  return { errors, resources: (pkg.descriptor.resources || []).length, rows };
}

async function main(dirs) {
  if (dirs.length === 0) {
    process.stderr.write('usage: validate-datapackage.js DIR...\n');
    return 2;
  }
  let bad = 0;
  for (const dir of dirs) {
    const { errors, resources, rows } = await checkDir(dir);
    if (errors.length === 0) {
      process.stdout.write(`${dir}: valid, ${resources} resources, ${rows} rows\n`);
      continue;
    }
    bad++;
    process.stdout.write(`${dir}: INVALID, ${errors.length} errors\n`);
    errors.slice(0, MAX_ERRORS).forEach((e) => process.stdout.write(`  ${e}\n`));
  }
  return bad ? 1 : 0;
}

main(process.argv.slice(2)).then((rc) => { process.exitCode = rc; },
  (e) => { process.stderr.write(`validate-datapackage.js: ${e.stack || e}\n`); process.exitCode = 1; });
