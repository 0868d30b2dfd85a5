// Loaded with `node --import` by tests that need to know which modules a process loaded:
// appends every module URL to the file named by TRACE_MODULES_FILE as it loads.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.TRACE_MODULES_FILE;
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
