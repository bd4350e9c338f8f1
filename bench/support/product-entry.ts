// The product's own entry point, loaded from here so that the process's command line does not say
// "src/main.ts": on a shared machine a stray `pkill -f src/main.ts` meant for test leftovers must
// not end a benchmark in the middle.
import '../../src/main.js';
