// Validates many ASL definitions in one process (startup is the slow part).
// Usage: node validate.js FILE...   Prints one JSON object: {"<file>": {"isValid": bool, "errors": [...]}}
const aslValidator = require('asl-validator');
const fs = require('fs');

const results = {};
for (const file of process.argv.slice(2)) {
  try {
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    const { isValid, errors } = aslValidator(definition, { checkPaths: true, checkArn: true });
    results[file] = { isValid, errors: errors.map((e) => e.message || JSON.stringify(e)) };
  } catch (err) {
    results[file] = { isValid: false, errors: [String(err)] };
  }
}
process.stdout.write(JSON.stringify(results));
