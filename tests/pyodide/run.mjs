// Runs one Python script in each Pyodide named in a spec, offline, and prints the results as
// one JSON line on stdout. Used by tests/test_pyodide.py; Python's own output goes to stderr.
//
//   node run.mjs SPEC.json
//
// SPEC: {"runtimes": ["pyodide", ...],          package names under node_modules
//        "files": {"/in/pyodide": "/on/host"},   copied into Pyodide's file system first
//        "script": "/in/pyodide/driver.py",      run as a module named "driver"
//        "call": "main('/in/pyodide')"}          evaluated next; must give a str (the result)
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(await readFile(process.argv[2], "utf8"));

// xlwings Lite has no CDN to count on here either: anything that would reach past
// node_modules fails loudly instead of hanging on an unreachable host.
const realFetch = globalThis.fetch;
globalThis.fetch = async (resource, init) => {
  const url = String(resource?.url ?? resource);
  if (/^(https?|wss?):/i.test(url)) {
    throw new Error(`offline: refusing to fetch ${url}`);
  }
  return realFetch(resource, init);
};

const toStderr = (line) => process.stderr.write(`${line}\n`);
const results = [];
try {
  for (const runtime of spec.runtimes) {
    const dir = path.join(here, "node_modules", runtime);
    const { version } = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"));
    const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
    const started = performance.now();
    const pyodide = await loadPyodide({
      indexURL: dir + path.sep,
      stdout: toStderr,
      stderr: toStderr,
    });
    const loaded = performance.now();
    for (const [target, source] of Object.entries(spec.files)) {
      pyodide.FS.mkdirTree(path.posix.dirname(target));
      pyodide.FS.writeFile(target, await readFile(source));
    }
    const namespace = pyodide.globals.get("dict")();
    namespace.set("__name__", "driver");
    const code = pyodide.FS.readFile(spec.script, { encoding: "utf8" });
    pyodide.runPython(code, { globals: namespace, filename: spec.script });
    const output = pyodide.runPython(spec.call, { globals: namespace });
    results.push({
      runtime,
      npm_version: version,
      pyodide_version: pyodide.version,
      load_ms: Math.round(loaded - started),
      run_ms: Math.round(performance.now() - loaded),
      result: JSON.parse(output),
    });
  }
} catch (error) {
  toStderr(`run.mjs: ${error?.stack ?? error}`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(results)}\n`);
