"""The steps of edgeform, in pipeline order, each reporting what it did and how long it took.

    deploy:  config -> bundles -> render -> [embedded endpoint] -> terraform init -> plan
             -> apply (skipped when the plan is empty) -> outputs -> site sync
             -> invalidation of the changed paths -> wait (invalidation, distribution)
             -> verify (triggers on the versions just published, the site in the bucket)
    destroy: config -> render -> init -> empty the bucket -> plan -destroy -> apply

The CLI resolves a `Run` (project, stage, target, folders, environment, console) once and calls
these functions; they never read CLI arguments or the process environment themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.aws.cdn import (
    Clock,
    associations,
    invalidate,
    invalidation_paths,
    wait_deployed,
    wait_invalidated,
)
from toolkit.aws.session import AwsSession
from toolkit.aws.site_sync import SyncResult, empty_bucket, remote_etags, sync_site
from toolkit.bundle import Bundle, build_bundles
from toolkit.config import Project, Target
from toolkit.console import Console
from toolkit.dependencies import DependencyInstaller, PlatformInstaller
from toolkit.errors import EXIT_BAD_INPUT, EdgeformError, TerraformError
from toolkit.localcloud import LocalCloud, claim_stage_state, stage_belongs_to
from toolkit.render import RenderedStack, render_stack, write_stack
from toolkit.rules import BundleInfo, Finding, check_model, sort_findings
from toolkit.rules_source import check_sources
from toolkit.rules_terraform import check_rendered
from toolkit.site import SiteFile, site_files
from toolkit.stage import Stage
from toolkit.terraform import (
    PlanSummary,
    StackCommands,
    Terraform,
    ValidateResult,
    find_terraform,
    terraform_environment,
)
from toolkit.verify import site_problems, wiring_problems
from toolkit.workspace import Workspace


class VerifyError(EdgeformError):
    """The deployed stack differs from the config."""


class ProtectedStageError(EdgeformError):
    exit_code = EXIT_BAD_INPUT


class StageNotDeployedError(EdgeformError):
    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True)
class Run:
    project: Project
    stage: Stage
    target: Target
    console: Console
    environ: Mapping[str, str]
    terraform_bin: str | None = None
    clock: Clock = field(default_factory=Clock)

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.project.root)

    @property
    def stage_dir(self) -> Path:
        return self.workspace.stage_dir(self.target.name, self.stage.slug)

    def installer(self) -> DependencyInstaller:
        return PlatformInstaller(self.workspace.deps_cache)


def build(run: Run, installer: DependencyInstaller | None = None) -> list[Bundle]:
    with run.console.step("build") as step:
        functions = [run.project.functions[name] for name in sorted(run.project.functions)]
        bundles = build_bundles(
            functions,
            run.project.build_config_for(run.stage.name),
            run.workspace.bundle_dir(run.target.name, run.stage.slug),
            installer or run.installer(),
        )
        total = sum(b.size for b in bundles)
        step.summary = f"{len(bundles)} bundles, {total:,} bytes"
    return bundles


def render(
    run: Run, bundles: Sequence[Bundle], stack: RenderedStack | None = None
) -> RenderedStack:
    """Write the stage's files; `stack` is one lint already rendered from the same bundles."""
    with run.console.step("render") as step:
        stack = stack or render_stack(run.project, run.stage, run.target, bundles)
        write_stack(stack, run.stage_dir)
        step.summary = f"{len(stack.files)} files in {run.stage_dir}"
    return stack


def terraform(run: Run) -> Terraform:
    binary = find_terraform(run.terraform_bin, run.environ)
    env = terraform_environment(run.environ, run.workspace.base)
    return Terraform(run.stage_dir, binary, env, run.console.detail, color=run.console.color)


def validate(run: Run, tf: Terraform) -> ValidateResult:
    with run.console.step("init") as step:
        tf.init(backend=False)
        step.summary = "providers ready"
    with run.console.step("validate") as step:
        unformatted = tf.fmt_check()
        if unformatted:
            raise TerraformError(
                f"rendered files are not terraform fmt clean: {unformatted}",
                f"a template is misformatted; run terraform fmt -diff in {run.stage_dir}",
            )
        result = tf.validate()
        if not result.valid:
            problems = "\n".join(f"{d.where}: {d.summary}: {d.detail}" for d in result.diagnostics)
            raise TerraformError(
                "the rendered stack is not valid", "fix the template", stderr=problems
            )
        step.summary = "fmt clean, valid"
    return result


# --- deploy, plan, outputs, destroy -------------------------------------------------------

LOCAL_WAIT_SECONDS = 120
AWS_WAIT_SECONDS = 30 * 60


@dataclass(frozen=True)
class DeployResult:
    plan: PlanSummary
    outputs: dict[str, Any]
    sync: SyncResult
    invalidation: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan.as_json(),
            "outputs": self.outputs,
            "uploaded": list(self.sync.uploaded),
            "deleted": list(self.sync.deleted),
            "invalidation": self.invalidation,
        }


def wait_settings(run: Run) -> dict[str, Any]:
    """How long and how often to poll CloudFront; on the embedded endpoint it is quick."""
    local = run.target.kind == "local"

    def tick(status: str, elapsed: float) -> None:
        run.console.detail(f"  still {status} after {elapsed:.0f} s")

    return {
        "timeout": LOCAL_WAIT_SECONDS if local else AWS_WAIT_SECONDS,
        "interval": 0.5 if local else 15.0,
        "clock": run.clock,
        "tick": tick,
    }


def endpoint_url(run: Run) -> str | None:
    """The embedded endpoint's URL for the local target (started if needed), else None."""
    if run.target.kind != "local":
        return None  # botocore and the provider honour AWS_ENDPOINT_URL themselves
    if run.target.endpoint:
        return run.target.endpoint.rstrip("/")
    cloud = LocalCloud(run.workspace.base / "localcloud")
    endpoint, started = cloud.ensure_running()
    if started:
        run.console.info(
            f"started the embedded AWS endpoint on {endpoint.url} "
            "(stop it with `edgeform local stop`)"
        )
    if claim_stage_state(run.stage_dir, endpoint):
        run.console.warn(
            f"stage {run.stage.slug}: its state belonged to an embedded endpoint "
            "that has stopped, and its resources went with it; starting afresh"
        )
    return endpoint.url


def stack_commands(run: Run, url: str | None) -> StackCommands:
    variables = {"aws_endpoint": url} if run.target.kind == "local" and url else {}
    return StackCommands(terraform(run), variables)


def init(run: Run, stack: StackCommands) -> None:
    with run.console.step("init") as step:
        stack.tf.init()
        step.summary = "providers and state ready"


def plan(run: Run) -> PlanSummary:
    return _planned(run)[2]


class LintError(EdgeformError):
    """Lint found errors: nothing was rendered and no endpoint was touched (exit 1, as lint)."""


@dataclass(frozen=True)
class LintReport:
    findings: list[Finding]
    stack: RenderedStack | None = None  # the stack lint checked, rendered in memory

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_json(self) -> dict[str, Any]:
        return {
            "errors": [f.as_json() for f in self.errors],
            "warnings": [f.as_json() for f in self.warnings],
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings)},
        }


def lint(run: Run, bundles: Sequence[Bundle]) -> LintReport:
    """Every Lambda@Edge rule, on the model, the bundles, the rendered stack and the source."""
    with run.console.step("lint") as step:
        infos = [BundleInfo.from_zip(b.function, b.path.read_bytes()) for b in bundles]
        rendered = render_stack(run.project, run.stage, run.target, bundles)
        templates = run.project.templates_dir
        report = LintReport(
            sort_findings(
                [
                    *check_model(run.project, infos),
                    *check_rendered(rendered.files, templates, run.project.root),
                    *check_sources(run.project),
                ]
            ),
            rendered,
        )
        step.summary = f"{len(report.errors)} errors, {len(report.warnings)} warnings"
    return report


def lint_or_stop(run: Run, bundles: Sequence[Bundle]) -> RenderedStack | None:
    """Lint; stop on an error, else hand on the stack lint rendered so it is not made twice."""
    report = lint(run, bundles)
    for finding in report.warnings:
        run.console.warn(finding.text())
    if report.errors:
        for finding in report.errors:
            run.console.error(finding.text())
        first = report.errors[0]
        raise LintError(
            f"lint found {len(report.errors)} error(s), {first.rule} first; nothing was "
            "rendered and no endpoint was touched",
            "fix them (edgeform lint lists them), then deploy again",
        )
    return report.stack


def _planned(run: Run) -> tuple[str | None, StackCommands, PlanSummary]:
    """Build, lint, render, endpoint, init and plan: what deploy and plan share."""
    bundles = build(run)
    render(run, bundles, lint_or_stop(run, bundles))
    url = endpoint_url(run)
    stack = stack_commands(run, url)
    init(run, stack)
    with run.console.step("plan") as step:
        summary = stack.plan()
        step.summary = summary.describe()
    return url, stack, summary


def deploy(run: Run) -> DeployResult:
    url, stack, summary = _planned(run)
    with run.console.step("apply") as step:
        if summary.has_changes:
            stack.apply(summary)
        step.summary = "applied" if summary.has_changes else "nothing to change"
    outputs = stack.outputs()
    session = AwsSession(run.target, url)
    cloudfront, s3 = session.client("cloudfront", "us-east-1"), session.client("s3")
    files = site_files(run.project.site_dir, run.project.build_config_for(run.stage.name))
    synced = sync(run, s3, outputs["bucket_name"], files)
    invalidation = invalidate_changes(run, cloudfront, outputs["distribution_id"], synced)
    with run.console.step("wait") as step:
        wait_deployed(cloudfront, outputs["distribution_id"], **wait_settings(run))
        step.summary = "distribution deployed"
    verify(run, cloudfront, s3, outputs, [f.key for f in files])
    return DeployResult(summary, outputs, synced, invalidation)


def sync(run: Run, s3: Any, bucket: str, files: Sequence[SiteFile]) -> SyncResult:
    with run.console.step("sync") as step:
        result = sync_site(
            s3, bucket, files, progress=lambda total: run.console.progress(total, "uploading")
        )
        step.summary = (
            f"{len(result.uploaded)} uploaded, {len(result.deleted)} deleted, "
            f"{result.unchanged} unchanged"
        )
    return result


def invalidate_changes(
    run: Run, cloudfront: Any, distribution_id: str, synced: SyncResult
) -> str | None:
    with run.console.step("invalidate") as step:
        if not synced.changed:
            step.summary = "nothing changed"
            return None
        paths = invalidation_paths(synced.changed, run.project.default_root_object)
        invalidation = invalidate(cloudfront, distribution_id, paths)
        wait_invalidated(cloudfront, distribution_id, invalidation, **wait_settings(run))
        step.summary = f"{len(paths)} paths ({invalidation})"
    return invalidation


def verify(
    run: Run, cloudfront: Any, s3: Any, outputs: dict[str, Any], site_keys: Sequence[str]
) -> None:
    with run.console.step("verify") as step:
        found = associations(cloudfront, outputs["distribution_id"])
        problems = wiring_problems(run.project, outputs, found) + site_problems(
            site_keys, remote_etags(s3, outputs["bucket_name"])
        )
        if problems:
            raise VerifyError(
                "the deployed stack is not what the config asks for:\n  " + "\n  ".join(problems),
                "run the deploy again; if it persists, report it with --debug",
            )
        step.summary = f"{len(found)} triggers on their published versions, site complete"


def outputs(run: Run) -> dict[str, Any]:
    if not (run.stage_dir / "terraform.tfstate").is_file():
        raise StageNotDeployedError(
            f"stage {run.stage.slug} is not deployed on target {run.target.name}",
            "run edgeform deploy first",
        )
    return stack_commands(run, None).outputs()


@dataclass(frozen=True)
class DeployedStage:
    distribution_id: str
    bucket: str
    endpoint_url: str | None


def deployed_stage(run: Run) -> DeployedStage:
    """Where a deployed stage lives, without starting or changing anything."""
    url = None
    if run.target.kind == "local":
        url = run.target.endpoint.rstrip("/") if run.target.endpoint else _running_endpoint(run)
    values = outputs(run)
    return DeployedStage(values["distribution_id"], values["bucket_name"], url)


def _running_endpoint(run: Run) -> str:
    endpoint = LocalCloud(run.workspace.base / "localcloud").status()
    if endpoint is None or not stage_belongs_to(run.stage_dir, endpoint):
        raise StageNotDeployedError(
            f"stage {run.stage.slug} has nothing on the embedded AWS endpoint "
            "(it is not running, or was restarted since the deploy)",
            f"run edgeform deploy --stage {run.stage.name} first",
        )
    return endpoint.url


def destroy(run: Run, *, force_protected: bool = False) -> PlanSummary:
    settings = run.project.stage_settings(run.stage.name)
    if settings.protected and not force_protected:
        raise ProtectedStageError(
            f"stage {run.stage.name} is protected in edgeform.toml; nothing was changed",
            "pass --force-protected if you really mean to destroy it",
        )
    render(run, build(run))
    url = endpoint_url(run)
    stack = stack_commands(run, url)
    init(run, stack)
    state = run.stage_dir / "terraform.tfstate"
    if state.is_file():
        current = stack.outputs()
        if "bucket_name" in current and not settings.protected:
            with run.console.step("empty bucket") as step:
                session = AwsSession(run.target, url)
                step.summary = (
                    f"{empty_bucket(session.client('s3'), current['bucket_name'])} objects deleted"
                )
    with run.console.step("plan") as step:
        summary = stack.plan(destroy=True)
        step.summary = summary.describe()
    with run.console.step("destroy") as step:
        if summary.has_changes:
            stack.apply(summary)
        step.summary = f"{len(summary.destroys)} resources destroyed"
    return summary
