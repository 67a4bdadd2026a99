"""Lint rules on the functions' source: the handler exists, no callbacks on Node.js 24+, no
config from environment variables, no response body already over the viewer limit.

Python is read with `ast` and never imported; JavaScript with patterns that cover the usual
ways of exporting a handler (CommonJS and ES modules), and parsed by `node --check` (LE303:
each of the function's own .js/.mjs/.cjs files, node_modules left out as published code; on a
machine without node the rule has nothing to run and finds nothing).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from edgeform.build.files import unreadable_files, walk_files
from edgeform.errors import EdgeformError
from edgeform.lint.catalog import Finding
from edgeform.lint.toml_lines import TomlLines
from edgeform.model.lambda_edge import (
    GENERATED_RESPONSE_LIMIT,
    NODE_CALLBACKS_REMOVED_IN,
    VIEWER_EVENTS,
)
from edgeform.model.project import Function, Project

VIEWER_BODY_LIMIT: Final = GENERATED_RESPONSE_LIMIT["viewer"]
NODE_SUFFIXES: Final = (".mjs", ".cjs", ".js")
# Set by the runtime itself, so reading them at the edge is fine (reference section 1).
RESERVED_ENV: Final = re.compile(r"^(AWS_\w*|LAMBDA_\w*|_HANDLER|_X_AMZN_TRACE_ID|TZ|LANG|PATH)$")
NODE_CHECK_SECONDS: Final = 30
NODE_ERROR_AT: Final = re.compile(r"^(?P<path>.+):(?P<line>\d+)$", re.MULTILINE)
LONG_JS_LITERAL: Final = re.compile(rf"([\"'`])((?:\\.|(?!\1).){{{VIEWER_BODY_LIMIT},}})\1")
NODE_ENV: Final = re.compile(r"process\.env(?:\.(\w+)|\[\s*['\"](\w+)['\"]\s*\])?")


def _node_export(name: str) -> list[re.Pattern[str]]:
    n = re.escape(name)
    return [
        re.compile(rf"(?:module\.)?exports\.{n}\s*="),
        re.compile(rf"module\.exports\s*=\s*\{{[^}}]*\b{n}\b", re.DOTALL),
        re.compile(rf"export\s+(?:async\s+)?function\s*\*?\s*{n}\s*\("),
        re.compile(rf"export\s+(?:const|let|var)\s+{n}\s*="),
        re.compile(rf"export\s*\{{[^}}]*\b{n}\b[^}}]*\}}"),
    ]


def _node_params(name: str) -> list[re.Pattern[str]]:
    """Where the handler's parameter list is written; group 1 is 'async' when it is async."""
    n = re.escape(name)
    head = rf"(?:(?:module\.)?exports\.{n}\s*=|export\s+(?:const|let|var)\s+{n}\s*=)"
    return [
        re.compile(rf"{head}\s*(async\s+)?(?:function\s*\w*\s*)?\(([^)]*)\)"),
        re.compile(rf"export\s+(async\s+)?function\s*{n}\s*\(([^)]*)\)"),
        re.compile(
            rf"(?:const|let|var|function)\s+{n}\s*=?\s*(async\s+)?(?:function\s*)?\(([^)]*)\)"
        ),
    ]


@dataclass(frozen=True)
class SourceFile:
    path: Path
    text: str


# The headers CloudFront adds about the viewer, after viewer request (Developer Guide, "Add
# CloudFront request headers").
CLOUDFRONT_VIEWER_HEADER: Final = re.compile(
    r"cloudfront-(?:viewer-[a-z-]*[a-z]|is-[a-z]+-viewer|forwarded-proto)", re.IGNORECASE
)


class _Checks:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.lines = TomlLines.read(project.config_file)
        self.wired = project.wired_events()
        self.found: list[Finding] = []

    def at(self, rule: str, path: Path, line: int | None, message: str, hint: str) -> None:
        root = self.project.root
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        self.found.append(Finding(rule, shown.as_posix(), line, message, hint))

    def at_key(self, rule: str, key: str, message: str, hint: str) -> None:
        file = self.project.config_file.name
        self.found.append(Finding(rule, file, self.lines.line_of(key), message, hint, key))

    def function(self, fn: Function) -> None:
        module, _, name = fn.handler.rpartition(".")
        if fn.language == "python":
            self._python_handler(fn, module, name)
        else:
            self._node_syntax(fn)
            self._node_handler(fn, module, name)
        for source in _sources(fn):
            self._environment(fn, source)
            if self.wired[fn.name] & VIEWER_EVENTS:
                self._big_bodies(fn, source)
            if self.wired[fn.name] == {"viewer-request"}:
                self._viewer_headers(fn, source)

    def _python_handler(self, fn: Function, module: str, name: str) -> None:
        base = fn.source / module.replace(".", "/")
        path = next(
            (p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None
        )
        if path is None:
            self.at_key(
                "LE301",
                f"functions.{fn.name}.handler",
                f"{fn.name}: no module {module!r} ({base.name}.py) in {fn.source.name}/",
                f"create {base.name}.py or fix handler",
            )
            return
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except SyntaxError as exc:
            self.at("LE301", path, exc.lineno, f"{fn.name}: {exc.msg}", "fix the syntax error")
            return
        if name not in _python_top_level_names(tree):
            self.at(
                "LE301",
                path,
                1,
                f"{fn.name}: {path.name} defines no {name}()",
                f"define def {name}(event, context) at the top level of {path.name}",
            )

    def _node_handler(self, fn: Function, module: str, name: str) -> None:
        base = fn.source / module
        path = next(
            (
                base.with_name(base.name + s)
                for s in NODE_SUFFIXES
                if base.with_name(base.name + s).is_file()
            ),
            None,
        )
        if path is None:
            self.at_key(
                "LE301",
                f"functions.{fn.name}.handler",
                f"{fn.name}: no file {module}.js, .mjs or .cjs in {fn.source.name}/",
                "create it or fix handler",
            )
            return
        text = path.read_text(encoding="utf-8")
        if not any(p.search(text) for p in _node_export(name)):
            self.at(
                "LE301",
                path,
                1,
                f"{fn.name}: {path.name} does not export {name}",
                f"export it: export const {name} = async (event) => ...",
            )
            return
        if _node_major(fn.runtime) >= NODE_CALLBACKS_REMOVED_IN:
            self._callback(fn, path, text, name)

    def _node_syntax(self, fn: Function) -> None:
        node = shutil.which("node")
        files = [s.path for s in _sources(fn) if "node_modules" not in s.path.parts]
        if node is None or not files:
            return
        with ThreadPoolExecutor(max_workers=4) as pool:
            failures = list(pool.map(lambda path: _node_check(node, path), files))
        for path, failure in zip(files, failures, strict=True):
            if failure is not None:
                line, message = failure
                self.at("LE303", path, line, f"{fn.name}: {message}", "fix the syntax error")

    def _callback(self, fn: Function, path: Path, text: str, name: str) -> None:
        for pattern in _node_params(name):
            match = pattern.search(text)
            if match is None:
                continue
            params = [p for p in match.group(2).split(",") if p.strip()]
            if not match.group(1) and len(params) >= 3:
                self.at(
                    "LE302",
                    path,
                    _line(text, match.start()),
                    f"{fn.name}: {name}({', '.join(p.strip() for p in params)}) is a "
                    f"callback-style handler, which {fn.runtime} does not run",
                    "make it async and return the result",
                )
            return

    def _environment(self, fn: Function, source: SourceFile) -> None:
        for line, variable in _env_reads(source):
            if variable and RESERVED_ENV.match(variable):
                continue
            what = (
                f"reads the environment variable {variable}"
                if variable
                else "reads the environment"
            )
            self.at(
                "LE401",
                source.path,
                line,
                f"{fn.name} {what}; it is empty at the edge",
                "put the value in edgeform.toml [config] and read edgeform_config.json",
            )

    def _viewer_headers(self, fn: Function, source: SourceFile) -> None:
        """CloudFront adds its viewer headers (country, device, ...) after viewer request, and
        only where a policy names them ("Add CloudFront request headers")."""
        for match in CLOUDFRONT_VIEWER_HEADER.finditer(source.text):
            self.at(
                "LE611",
                source.path,
                _line(source.text, match.start()),
                f"{fn.name} reads {match.group(0)} but runs only at viewer-request, where "
                "CloudFront never adds it",
                "wire the function to origin-request and name the header in the behavior's "
                "origin request policy (or cache policy)",
            )

    def _big_bodies(self, fn: Function, source: SourceFile) -> None:
        for line, size in _long_literals(source):
            self.at(
                "LE402",
                source.path,
                line,
                f"{fn.name} has a {size:,}-byte literal; a generated response on a viewer "
                f"trigger may be {VIEWER_BODY_LIMIT:,} bytes with its headers",
                "serve it from the origin, or trim it",
            )


def _node_check(node: str, path: Path) -> tuple[int | None, str] | None:
    """None when node parses the file; else its line and node's SyntaxError message."""
    try:
        done = subprocess.run(
            [node, "--check", str(path)],
            capture_output=True,
            text=True,
            timeout=NODE_CHECK_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"node --check could not run: {exc}"
    if done.returncode == 0:
        return None
    where = NODE_ERROR_AT.search(done.stderr)
    line = int(where.group("line")) if where else None
    message = next(
        (x.strip() for x in done.stderr.splitlines() if re.match(r"^\w*Error\b", x.strip())),
        done.stderr.strip().splitlines()[0] if done.stderr.strip() else "node --check failed",
    )
    return line, message


def _python_top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _node_major(runtime: str) -> int:
    digits = re.search(r"\d+", runtime)
    return int(digits.group()) if digits else 0


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _sources(fn: Function) -> Iterator[SourceFile]:
    suffixes = (".py",) if fn.language == "python" else NODE_SUFFIXES
    try:
        found = walk_files(fn.source)
    except EdgeformError:
        return  # links out of the folder are the build's to report
    for file in found:
        if file.path.suffix in suffixes:
            try:
                yield SourceFile(file.path, file.path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue


def _env_reads(source: SourceFile) -> Iterator[tuple[int, str | None]]:
    if source.path.suffix != ".py":
        for match in NODE_ENV.finditer(source.text):
            yield _line(source.text, match.start()), match.group(1) or match.group(2)
        return
    try:
        tree = ast.parse(source.text)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("environ", "getenv")
            and (isinstance(node.value, ast.Name) and node.value.id == "os")
        ):
            yield node.lineno, _env_key(tree, node)


def _env_key(tree: ast.Module, target: ast.Attribute) -> str | None:
    """The literal name read through os.environ[...] / .get(...) / os.getenv(...), if any."""
    for node in ast.walk(tree):
        args: list[ast.expr] = []
        if isinstance(node, ast.Subscript) and node.value is target:
            args = [node.slice]
        elif isinstance(node, ast.Call):
            func = node.func
            if func is target or (isinstance(func, ast.Attribute) and func.value is target):
                args = node.args[:1]
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            return args[0].value
    return None


def _long_literals(source: SourceFile) -> Iterator[tuple[int, int]]:
    if source.path.suffix == ".py":
        try:
            tree = ast.parse(source.text)
        except SyntaxError:
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
                size = len(node.value.encode() if isinstance(node.value, str) else node.value)
                if size > VIEWER_BODY_LIMIT:
                    yield node.lineno, size
        return
    # JavaScript: a string or template literal on one line, which is how large ones appear.
    for number, line in enumerate(source.text.splitlines(), start=1):
        for match in LONG_JS_LITERAL.finditer(line):
            yield number, len(match.group(2).encode())


def check_sources(project: Project) -> list[Finding]:
    checks = _Checks(project)
    for fn in project.functions.values():
        checks.function(fn)
    return checks.found + check_site(project) + check_error_pages(project, checks.lines)


def check_site(project: Project) -> list[Finding]:
    """LE501: what the deploy's site step would refuse, every entry named at once."""
    if not project.site_dir.is_dir():
        return []
    root = project.root.resolve()
    return [
        Finding(
            "LE501",
            path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path),
            None,
            why,
            "remove it, or copy the file in its place (the site is uploaded as regular files)",
        )
        for path, why in unreadable_files(project.site_dir)
    ]


def check_error_pages(project: Project, lines: TomlLines) -> list[Finding]:
    """LE502: a custom error page that is no file of the site; CloudFront would then answer
    the origin's error itself (S3's AccessDenied XML), the very thing the page was for."""
    found = []
    for i, custom in enumerate(project.custom_error_responses):
        page = custom.response_page_path
        if page is None or (project.site_dir / page.lstrip("/")).is_file():
            continue
        key = f"custom_error_responses[{i}].response_page_path"
        found.append(
            Finding(
                "LE502",
                project.config_file.name,
                lines.line_of(key),
                f"{page} is no file of the site ({project.site_dir.name}/)",
                f"add {project.site_dir.name}{page}, or point response_page_path at a page",
                key,
            )
        )
    return found
