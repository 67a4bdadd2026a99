// A warm Lambda container for one Node.js handler: `node node_worker.mjs CODE_DIR HANDLER MAJOR`.
//
// The module is imported once, so module state survives between invocations. Protocol, one
// JSON object per line: invocations arrive on stdin, replies leave on stdout. What the function
// logs (console.*, process.stdout/stderr) is sent as `log` messages of its invocation, in
// CloudWatch's format, so it never mixes with the protocol.
import { createInterface } from "node:readline";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const [codeDir, handlerSpec, majorText] = process.argv.slice(2);
const major = Number(majorText);
const protocolWrite = process.stdout.write.bind(process.stdout);
let requestId = "";

// CloudWatch keeps at most 256 KB of one log event; longer lines are cut here, so that no
// log line can outgrow what the server reads in one message.
const LOG_LINE_LIMIT = 256 * 1024;

function send(message) {
  protocolWrite(JSON.stringify(message) + "\n");
}

function sendLog(line, stream) {
  const cut = line.length > LOG_LINE_LIMIT
    ? `${line.slice(0, LOG_LINE_LIMIT)}... [${line.length - LOG_LINE_LIMIT} characters cut]`
    : line;
  send({ log: cut, stream });
}

function log(level, args) {
  const text = format(...args);
  sendLog(`${new Date().toISOString()}\t${requestId}\t${level}\t${text}`, "stdout");
}

console.log = (...args) => log("INFO", args);
console.info = (...args) => log("INFO", args);
console.debug = (...args) => log("DEBUG", args);
console.warn = (...args) => log("WARN", args);
console.error = (...args) => log("ERROR", args);
process.stdout.write = (chunk) => {
  sendLog(String(chunk).replace(/\n$/, ""), "stdout");
  return true;
};
process.stderr.write = (chunk) => {
  sendLog(String(chunk).replace(/\n$/, ""), "stderr");
  return true;
};

function errorMessage(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      stackTrace: String(error.stack || "")
        .split("\n")
        .slice(1)
        .filter((line) => !line.includes(import.meta.url) && !line.includes("new Promise")),
    };
  }
  return { errorType: "Error", errorMessage: String(error), stackTrace: [] };
}

async function loadHandler() {
  const dot = handlerSpec.lastIndexOf(".");
  const modulePath = handlerSpec.slice(0, dot);
  const name = handlerSpec.slice(dot + 1);
  const file = [".mjs", ".cjs", ".js"].map((ext) => join(codeDir, modulePath + ext)).find(existsSync);
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}'`), {
      name: "Runtime.ImportModuleError",
    });
  }
  const module = await import(pathToFileURL(file).href);
  const handler = module[name] ?? module.default?.[name];
  if (typeof handler !== "function") {
    throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), {
      name: "Runtime.HandlerNotFound",
    });
  }
  if (major >= 24 && handler.constructor.name !== "AsyncFunction" && handler.length >= 3) {
    throw Object.assign(
      new Error("Callback-based function handlers are not supported on Node.js 24 and later"),
      { name: "Runtime.CallbackHandlerDeprecated" },
    );
  }
  return handler;
}

function context(info) {
  const deadline = Date.now() + info.timeout_ms;
  return {
    functionName: info.function_name,
    functionVersion: info.function_version,
    invokedFunctionArn: info.invoked_function_arn,
    memoryLimitInMB: String(info.memory_limit_in_mb),
    awsRequestId: info.aws_request_id,
    logGroupName: info.log_group_name,
    logStreamName: info.log_stream_name,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

// Async handlers answer with their promise; callback handlers with the first callback call.
function run(handler, event, ctx) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error);
      else resolve(result);
    };
    let returned;
    try {
      returned = handler(event, ctx, callback);
    } catch (error) {
      callback(error);
      return;
    }
    if (returned && typeof returned.then === "function") {
      returned.then((result) => callback(null, result), (error) => callback(error ?? new Error("rejected")));
    } else if (handler.length < 3) {
      callback(null, returned);
    }
  });
}

async function invoke(handler, message) {
  requestId = message.context.aws_request_id;
  let result;
  try {
    result = await run(handler, message.event, context(message.context));
  } catch (error) {
    send({ error: errorMessage(error) });
    return;
  }
  let text;
  try {
    text = JSON.stringify({ result: result === undefined ? null : result });
  } catch (error) {
    send({ invalid: `The JSON output is not parsable: ${error.message}` });
    return;
  }
  protocolWrite(text + "\n");
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  send({ init_error: errorMessage(error) });
  process.exit(0);
}
send({ ready: true });

// One invocation at a time, in order, as in one Lambda container.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on("line", (line) => {
  queue = queue.then(() => invoke(handler, JSON.parse(line)));
});
process.on("uncaughtException", (error) => {
  send({ error: errorMessage(error) });
});
