"""``bia-hooks upload-plan``: what uploading the dataset takes (the help page's step 3): how many
files, how much, the largest, the method the archive recommends and why, and what must be fetched
first (with the command), all without reading the content. Exit status 0 when the plan is made,
whatever it finds; 2 for a usage or configuration error."""

from __future__ import annotations

import argparse
import sys

from bia_hooks import uploadplan
from bia_hooks.commands.common import add_root_and_config, config_of
from bia_hooks.reporters import make_reporter
from bia_hooks.uploadfiles import dataset_plan

FORMATS = ("text", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_and_config(parser)
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), json (the report's form) or markdown")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    plan = dataset_plan(config)
    findings = config.apply_severity(uploadplan.plan_findings(plan))
    shown = uploadplan.to_json(plan)
    if args.format == "json":
        make_reporter("json").report(findings, sys.stdout, {"upload_plan": shown})
    elif args.format == "markdown":
        sys.stdout.write(uploadplan.render_markdown(shown, heading="#"))
    else:
        sys.stdout.write(uploadplan.render_text(shown))
        make_reporter("text").report(findings, sys.stdout)
    return 0
