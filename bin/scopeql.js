#!/usr/bin/env node
// The operator CLI runs the compiled code; `npm install` builds it (the `prepare` script).
require('../dist/src/cli/main.js');
