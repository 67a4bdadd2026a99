"""The only code that runs Terraform.

Built on python-terraform, whose traps are wrapped here once: it copies `os.environ` (we pass
an explicit environment instead), buffers output until the end (we stream it), its `destroy`
adds `-force`, `apply` prompts, and a plan exit code of 2 means "changes", not failure. We use
it to build command lines and run them ourselves, with `-input=false`, `TF_IN_AUTOMATION`, and
no colour off a terminal. Every failure raises `TerraformError` with Terraform's stderr.

Air-gapped machines: set EDGEFORM_PROVIDER_MIRROR to a provider mirror folder (the layout of
`terraform providers mirror`); unset, /opt/tf-plugins is used when it holds hashicorp/aws
(where air-gapped build images keep it). edgeform then writes a Terraform CLI config that
installs hashicorp providers from that folder only, with a plugin cache so that each stage
links the provider instead of copying it. One implementation for every Makefile: edgeform's
own and every project's `edgeform init` writes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from python_terraform import IsFlagged
from python_terraform import Terraform as _CommandBuilder

from edgeform.deploy.process import run_child
from edgeform.errors import InterruptedByUser, StateLockedError, TerraformError
from edgeform.model.state import DEFAULT_LOCK_TIMEOUT
from edgeform.state.lock import lock_from_terraform_error

MIRROR_ENV: Final = "EDGEFORM_PROVIDER_MIRROR"
CONVENTIONAL_MIRRORS: Final = (Path("/opt/tf-plugins"),)
AWS_PROVIDER: Final = Path("registry.terraform.io") / "hashicorp" / "aws"
TERRAFORM_BIN_ENV: Final = "EDGEFORM_TERRAFORM_BIN"
LOCK_FILE: Final = ".terraform.lock.hcl"
INIT_STAMP: Final = Path(".terraform") / "edgeform-init.sha256"
LOG_FILE: Final = "terraform.log"  # in the stage's folder: the last command's Terraform output
LOG_TAIL_LINES: Final = 30
# The provider a resource or data source comes from is its type's first word (aws_s3_bucket).
RESOURCE_TYPE: Final = re.compile(r'^(?:resource|data)\s+"([A-Za-z0-9]+)_', re.MULTILINE)

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    summary: str
    detail: str
    where: str


@dataclass(frozen=True)
class PlanSummary:
    """What a saved plan would do, by resource address."""

    plan_file: Path
    adds: tuple[str, ...]
    changes: tuple[str, ...]
    destroys: tuple[str, ...]
    imports: tuple[str, ...] = ()  # existing resources the apply takes into the state

    @property
    def has_changes(self) -> bool:
        return bool(self.adds or self.changes or self.destroys or self.imports)

    def describe(self) -> str:
        adopted = f"{len(self.imports)} to import, " if self.imports else ""
        return (
            f"{adopted}{len(self.adds)} to add, {len(self.changes)} to change, "
            f"{len(self.destroys)} to destroy"
        )

    def resources(self) -> list[tuple[str, str]]:
        """(address, action) for each resource the plan touches, in Terraform's words: a
        replacement is one "replace", not an add and a destroy."""
        replaced = set(self.adds) & set(self.destroys)
        named = [(a, "import") for a in self.imports]
        named += [(a, "replace" if a in replaced else "create") for a in self.adds]
        named += [(a, "update") for a in self.changes]
        named += [(a, "destroy") for a in self.destroys if a not in replaced]
        return sorted(named)

    def resource_lines(self) -> str:
        """Terraform's symbols: + create, ~ update, - destroy, -/+ replace, <= import."""
        symbols = {"create": "+", "update": "~", "destroy": "-", "replace": "-/+", "import": "<="}
        return "\n".join(
            f"  {symbols[action]:>3} {address} ({action})" for address, action in self.resources()
        )

    def as_json(self) -> dict[str, object]:
        return {
            "add": list(self.adds),
            "change": list(self.changes),
            "destroy": list(self.destroys),
            "import": list(self.imports),
            "resources": [{"address": a, "action": act} for a, act in self.resources()],
        }


def summarize_plan(plan_file: Path, show_json: dict[str, Any]) -> PlanSummary:
    """Sort `terraform show -json` resource changes; a replacement counts as add and destroy."""
    adds, changes, destroys, imports = [], [], [], []
    for change in show_json.get("resource_changes", []):
        actions = set(change.get("change", {}).get("actions", []))
        address = change.get("address", "")
        if change.get("change", {}).get("importing"):
            imports.append(address)
        if "create" in actions:
            adds.append(address)
        if "delete" in actions:
            destroys.append(address)
        if "update" in actions:
            changes.append(address)
    return PlanSummary(plan_file, tuple(adds), tuple(changes), tuple(destroys), tuple(imports))


@dataclass(frozen=True)
class ValidateResult:
    valid: bool
    diagnostics: tuple[Diagnostic, ...]


def cli_config_text(mirror: Path, plugin_cache: Path) -> str:
    """A Terraform CLI config that takes hashicorp providers from `mirror` and nowhere else."""
    return (
        f"plugin_cache_dir = {json.dumps(str(plugin_cache))}\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        '    include = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "}\n"
    )


def terraform_environment(base: Mapping[str, str], config_dir: Path) -> dict[str, str]:
    """The environment Terraform runs in: the caller's, plus automation settings and the
    provider mirror's CLI config when there is one (`provider_mirror`)."""
    env = dict(base)
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_INPUT"] = "0"
    mirror = provider_mirror(base)
    if mirror:
        mirror_path = Path(mirror).expanduser().resolve()
        if not mirror_path.is_dir():
            raise TerraformError(
                f"{MIRROR_ENV}={mirror} is not a folder",
                "point it at a provider mirror (made by `terraform providers mirror DIR`) "
                "or unset it to download providers",
            )
        cache = Path(base.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        plugin_cache = cache / "edgeform" / "terraform-plugins"
        plugin_cache.mkdir(parents=True, exist_ok=True)
        config_dir.mkdir(parents=True, exist_ok=True)
        config_file = config_dir / "terraform.rc"
        text = cli_config_text(mirror_path, plugin_cache)
        if not config_file.is_file() or config_file.read_text() != text:
            config_file.write_text(text)
        env["TF_CLI_CONFIG_FILE"] = str(config_file)
    return env


def provider_mirror(
    environ: Mapping[str, str], conventional: Sequence[Path] = CONVENTIONAL_MIRRORS
) -> str | None:
    """EDGEFORM_PROVIDER_MIRROR when set and not empty, else the first conventional folder
    that holds the AWS provider, else None (Terraform downloads as usual)."""
    named = environ.get(MIRROR_ENV, "").strip()
    if named:
        return named
    return next((str(p) for p in conventional if (p / AWS_PROVIDER).is_dir()), None)


def find_terraform(explicit: str | None, environ: Mapping[str, str]) -> str:
    """The terraform (or OpenTofu) binary: --terraform-bin, EDGEFORM_TERRAFORM_BIN, PATH."""
    name = explicit or environ.get(TERRAFORM_BIN_ENV) or "terraform"
    found = shutil.which(name, path=environ.get("PATH"))
    if found is None:
        raise TerraformError(
            f"{name} not found",
            "install Terraform (https://developer.hashicorp.com/terraform/install) or "
            "OpenTofu and put it on the PATH, or pass --terraform-bin",
        )
    return found


class Terraform:
    """Terraform in one working folder (one stage's root module)."""

    def __init__(
        self,
        working_dir: Path,
        binary: str,
        env: Mapping[str, str],
        echo: Echo | None = None,
        *,
        color: bool = False,
        log: Path | None = None,
        notice: Echo | None = None,
    ) -> None:
        self.working_dir = working_dir
        self.binary = binary
        self.env = dict(env)
        self.echo = echo
        self.color = color
        self.log = log  # where streamed output goes, every line, beside what `echo` shows
        self.notice = notice  # what edgeform itself says while Terraform runs (default: echo)
        self._builder = _CommandBuilder(working_dir=str(working_dir), terraform_bin_path=binary)

    def command(self, name: str, *args: str, **options: object) -> list[str]:
        """A terraform command line; `-no-color` off a terminal (Terraform ignores NO_COLOR)."""
        if not self.color:
            options.setdefault("no_color", IsFlagged)
        return list(self._builder.generate_cmd_string(name, *args, **options))

    def run(
        self,
        command: Sequence[str],
        *,
        ok_codes: tuple[int, ...] = (0,),
        stream: bool = False,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a terraform command; stream stdout lines to the log and `echo` when asked.

        A SIGINT or SIGTERM meanwhile stops Terraform cleanly (see `process`) and raises
        `InterruptedByUser` once it has exited and saved the state."""
        try:
            with self._streamed(command, stream) as on_line:
                finished = run_child(
                    command,
                    cwd=self.working_dir,
                    env=self.env,
                    stdin=stdin,
                    on_line=on_line,
                    on_signal=self._on_signal,
                )
        except OSError as exc:
            raise TerraformError(
                f"cannot run {command[0]}: {exc}", "check --terraform-bin and the PATH"
            ) from None
        verb = command[1] if len(command) > 1 else "terraform"
        if finished.interrupted:
            raise InterruptedByUser(
                f"interrupted during terraform {verb}; Terraform stopped cleanly and saved "
                "the stage's state",
                "run the same command again: it carries on from what was done",
            )
        result = subprocess.CompletedProcess(
            list(command), finished.code, finished.stdout, finished.stderr
        )
        if finished.code not in ok_codes:
            output = finished.stderr or finished.stdout
            _raise_if_locked(output)
            shown, hint = output.strip(), _hint_for(output)
            if stream and self.log is not None:
                with self.log.open("a", encoding="utf-8") as log:  # the error ends the log
                    log.write(finished.stderr)
                shown = f"(the last lines of {self.log})\n{_tail(self.log, LOG_TAIL_LINES)}"
                hint += f" (Terraform's whole output: {self.log})"
            raise TerraformError(
                f"terraform {verb} failed (exit {finished.code}) in {self.working_dir}",
                hint,
                stderr=shown,
            )
        return result

    @contextmanager
    def _streamed(self, command: Sequence[str], stream: bool) -> Iterator[Echo]:
        """Where a streamed command's lines go: the log file, then `echo`."""
        if not stream:
            yield lambda _line: None
            return
        echo = self.echo or (lambda _line: None)
        if self.log is None:
            yield echo
            return
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"$ {shlex.join(command)}\n")

            def both(line: str) -> None:
                log.write(line + "\n")
                log.flush()
                echo(line)

            yield both

    def _on_signal(self, signum: int) -> None:
        say = self.notice or self.echo
        if say:
            say(
                f"{signal.Signals(signum).name}: stopping Terraform; it finishes the operations "
                "under way and saves the state (a second signal stops it at once)"
            )

    def fmt_check(self) -> list[str]:
        """Files that `terraform fmt` would change (empty when the folder is fmt clean)."""
        result = self.run(self.command("fmt", check=IsFlagged, list=True), ok_codes=(0, 3))
        return [line for line in result.stdout.splitlines() if line.strip()]

    def init(
        self,
        *,
        backend: bool = True,
        migrate: bool = False,
        lock_timeout: str = "0s",
        lock: bool = True,
    ) -> None:
        """`terraform init`; with `migrate`, copy the state from the backend the folder was
        initialized with to the one configured now (the caller has checked the destination
        holds no state of its own: -force-copy answers Terraform's question with yes).
        `lock=False`: the caller holds the state's lock itself."""
        options: dict[str, object] = {"input": False, "backend": backend}
        if backend:
            options.update(lock_options(lock, lock_timeout))
        if migrate:
            options.update(migrate_state=IsFlagged, force_copy=IsFlagged)
        self.run(self.command("init", **options), stream=True)

    def init_if_changed(
        self, *, migrate: bool = False, lock_timeout: str = "0s", lock: bool = True
    ) -> bool:
        """`init`, unless nothing it depends on changed since the last successful one in this
        folder (see `init_inputs`). Returns whether it ran. A migration always runs."""
        stamp = self.working_dir / INIT_STAMP
        if not migrate and _read(stamp) == self.init_inputs() and self._providers_installed():
            return False
        stamp.unlink(missing_ok=True)  # a failed init must not leave an old stamp that matches
        self.init(migrate=migrate, lock_timeout=lock_timeout, lock=lock)
        stamp.write_text(self.init_inputs())  # after: init writes the lock file
        return True

    def init_inputs(self) -> str:
        """A digest of what `terraform init` reads: the terraform block and providers
        (versions.tf, providers.tf, with the backend), the provider of every resource type,
        the dependency lock file, the CLI config (the provider mirror) and the binary."""
        folder = self.working_dir
        digest = hashlib.sha256()
        for name in ("versions.tf", "providers.tf", LOCK_FILE):
            digest.update(f"{name}\0{_read(folder / name)}\0".encode())
        types = sorted({m for tf in folder.glob("*.tf") for m in RESOURCE_TYPE.findall(_read(tf))})
        digest.update(f"types\0{' '.join(types)}\0".encode())
        config = self.env.get("TF_CLI_CONFIG_FILE")
        digest.update(f"config\0{config}\0{_read(Path(config)) if config else ''}\0".encode())
        binary = Path(self.binary)
        stat = binary.stat()
        digest.update(f"binary\0{binary}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
        return digest.hexdigest()

    def _providers_installed(self) -> bool:
        # <host>/<namespace>/<type>/<version>/<os_arch> is a link into the plugin cache, which
        # a cleaned cache leaves dangling. (rglob would not follow the link.)
        providers = self.working_dir / ".terraform" / "providers"
        plugins = list(providers.glob("*/*/*/*/*/terraform-provider-*"))
        return bool(plugins) and all(p.exists() for p in plugins)

    def validate(self) -> ValidateResult:
        result = self.run(self.command("validate", json=IsFlagged), ok_codes=(0, 1))
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            raise TerraformError(
                "terraform validate printed no JSON",
                "run it by hand to see why",
                stderr=result.stderr,
            ) from None
        return ValidateResult(
            bool(report.get("valid")),
            tuple(
                Diagnostic(
                    d.get("severity", ""), d.get("summary", ""), d.get("detail", ""), _where(d)
                )
                for d in report.get("diagnostics", [])
            ),
        )


def _tail(path: Path, lines: int) -> str:
    return "\n".join(_read(path).rstrip("\n").splitlines()[-lines:])


ANSI: Final = re.compile(r"\x1b\[[0-9;]*m")
PLANNED: Final = re.compile(
    r"^Plan: (?:(\d+) to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy\."
)
FINISHED: Final = re.compile(
    r"^(?P<address>\S+): (?P<what>Creation|Modifications|Destruction|Import) complete"
)
DONE_VERBS: Final = {
    "Creation": "created",
    "Modifications": "changed",
    "Destruction": "destroyed",
    "Import": "imported",
}


class ApplyProgress:
    """Terraform's streamed output as one line per resource done, `  3/17 aws_s3_bucket.site
    created`, counted against the plan's own total (`Plan: 2 to add, ...`)."""

    def __init__(self, emit: Echo) -> None:
        self.emit = emit
        self.total = 0
        self.done = 0

    def __call__(self, line: str) -> None:
        plain = ANSI.sub("", line)
        planned = PLANNED.match(plain)
        if planned:
            self.total, self.done = sum(int(n or 0) for n in planned.groups()), 0
            return
        finished = FINISHED.match(plain)
        if finished:
            self.done += 1
            verb = DONE_VERBS[finished.group("what")]
            self.emit(f"  {self.done}/{self.total or '?'} {finished.group('address')} {verb}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _where(diagnostic: Mapping[str, object]) -> str:
    rng = diagnostic.get("range")
    if isinstance(rng, dict):
        start = rng.get("start") or {}
        return f"{rng.get('filename')}:{start.get('line')}"
    return ""


def _raise_if_locked(output: str) -> None:
    if "Error acquiring the state lock" not in output:
        return
    lock = lock_from_terraform_error(output)
    if lock is None:
        return
    raise StateLockedError(
        f"the stage's state is locked by {lock.describe()}, lock id {lock.id}; nothing was changed",
        "wait for that run to finish (--lock-timeout waits longer); if it was killed, clear "
        f"the lock with `edgeform unlock --stage STAGE {lock.id}` and run again",
        lock.id,
        stderr=output.strip(),
    )


def _hint_for(stderr: str) -> str:
    if "Failed to query available provider packages" in stderr or "registry" in stderr:
        return (
            f"Terraform could not get the AWS provider; on a machine without internet set "
            f"{MIRROR_ENV} to a provider mirror folder"
        )
    if "Error acquiring the state lock" in stderr:
        return "another terraform run holds this stage's lock; wait for it, then try again"
    if "DistributionAlreadyExists" in stderr and "caller reference" in stderr:
        # The AWS provider's CallerReference is a timestamp (0.1 ms) plus a per-process
        # counter: two deploys that create a distribution in the same instant collide.
        return (
            "another deploy created a distribution at the same instant and CloudFront took "
            "both for one request; nothing was created twice: run edgeform deploy again"
        )
    if "Saved plan is stale" in stderr:
        return (
            "another deploy of this stage changed its state after this plan was made; "
            "run edgeform deploy again to plan from the new state"
        )
    return "read Terraform's message above; fix the cause and run the same command again"


PLAN_FILE = "edgeform.tfplan"
# `plan -detailed-exitcode`: 0 no changes, 2 changes, anything else an error.
PLAN_NO_CHANGES, PLAN_CHANGES = 0, 2


def lock_options(lock: bool, lock_timeout: str) -> dict[str, object]:
    """Terraform's lock options: its own lock with a timeout, or none (`-lock=false`) where
    edgeform holds the state's lock itself."""
    return {"lock_timeout": lock_timeout} if lock else {"lock": False}


class StackCommands:
    """Plan, apply, outputs and destroy of one stage, with the stage's variables."""

    def __init__(
        self,
        tf: Terraform,
        variables: Mapping[str, str],
        lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
        *,
        lock: bool = True,
    ) -> None:
        self.tf = tf
        self.lock_timeout = lock_timeout
        self.lock = lock  # False: edgeform holds Terraform's lock file itself
        # A list, not a dict: python-terraform turns a dict into a temporary var file.
        self.var_args = [f"{name}={value}" for name, value in sorted(variables.items())]

    def plan(self, *, destroy: bool = False) -> PlanSummary:
        tf = self.tf
        options: dict[str, object] = {
            "input": False,
            **lock_options(self.lock, self.lock_timeout),
            "detailed_exitcode": IsFlagged,
            "out": PLAN_FILE,
        }
        if destroy:
            options["destroy"] = IsFlagged
        if self.var_args:
            options["var"] = self.var_args
        planned = tf.run(
            tf.command("plan", **options), ok_codes=(PLAN_NO_CHANGES, PLAN_CHANGES), stream=True
        )
        if planned.returncode == PLAN_NO_CHANGES:
            # Nothing to add, change, destroy or import: `show -json` would start the
            # provider again (11% of a no-op deploy) to say so.
            return PlanSummary(tf.working_dir / PLAN_FILE, (), (), ())
        shown = tf.run(tf.command("show", PLAN_FILE, json=IsFlagged))
        return summarize_plan(tf.working_dir / PLAN_FILE, json.loads(shown.stdout))

    def apply(self, plan: PlanSummary) -> None:
        # A saved plan applies without asking; variables are baked into it.
        tf = self.tf
        tf.run(
            tf.command(
                "apply",
                str(plan.plan_file),
                input=False,
                **lock_options(self.lock, self.lock_timeout),
            ),
            stream=True,
        )

    def untaint(self, address: str) -> None:
        tf = self.tf
        tf.run(tf.command("untaint", address, **lock_options(self.lock, self.lock_timeout)))

    def state_rm(self, addresses: Sequence[str]) -> None:
        """Forget resources without destroying them (they live on outside Terraform)."""
        tf = self.tf
        tf.run(tf.command("state rm", *addresses, **lock_options(self.lock, self.lock_timeout)))
