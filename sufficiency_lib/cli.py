"""The ``sufficiency`` command: render statements, validate 903 returns, make synthetic ones.

Exit status: 0 success, 1 when some work failed, 2 for usage errors.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sufficiency_lib import config, inputs
from sufficiency_lib.demo import synth
from sufficiency_lib.site import batch as render


def _years(text: str) -> range:
    try:
        first, _, last = text.partition("-")
        return range(int(first), int(last or first) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2015-2025 or 2025, not {text!r}") from None


def _authorities(codes: list[str] | None) -> list[config.Authority]:
    return [inputs.find_authority(code) for code in codes] if codes else config.list_authorities()


def _group(text: str) -> tuple[str, list[str]]:
    name, _, members = text.partition("=")
    codes = [c.strip() for c in members.split(",") if c.strip()]
    if not name.strip() or len(codes) < 2:
        raise argparse.ArgumentTypeError(f"a group is NAME=CODE,CODE,... (two or more authorities), not {text!r}")
    return name.strip(), codes


def _chosen(args) -> list[config.Authority]:
    """The authorities and groups a command names: --all, --authority and --group; by
    default every params file and every group of params/groups.yaml."""
    named = getattr(args, "group", None) or []
    if getattr(args, "all", False):
        chosen = inputs.every_authority(max(args.year) if args.year else None)
    elif args.authority or named:
        chosen = _authorities(args.authority) if args.authority else []
    else:
        chosen = config.list_authorities()
        named = list(config.load_groups().items())
    return chosen + [inputs.group(name, members) for name, members in named]


def _inputs(args) -> list[inputs.Inputs]:
    """Each authority's inputs, the paths typed here resolved against the shell's folder."""
    if getattr(args, "all", False) and (args.return_dir or args.local_dir):
        raise ValueError("--all renders every authority from published statistics; --return-dir and --local-dir "
                         "name one authority's files, so give them with --authority instead.")
    return [inputs.from_command_line(la, args.return_dir, args.published, args.local_dir,
                                     getattr(args, "year_label", None)) for la in _chosen(args)]


def cmd_render(args) -> int:
    out = inputs.absolute(args.out)
    batch = render.render(_inputs(args), out, years=args.year, chapters=args.chapter, jobs=args.jobs,
                          continue_on_error=args.continue_on_error, force=args.force, timeout=args.timeout,
                          executor=args.executor, scheduler=args.scheduler, progress=sys.stderr.isatty(),
                          pdf=not args.no_pdf)
    problems = render.summarise(batch)
    print(f"index: {out / 'index.html'}")
    return 1 if problems else 0


def cmd_synth(args) -> int:
    if args.published and not args.national:
        raise ValueError("--published sizes the authorities of a --national run; add --national.")
    if args.national:
        rows = synth.write_national(args.years, Path(args.out), args.seed,
                                    Path(args.published) if args.published else None, args.workers)
        print(f"wrote {len(rows)} authorities, {sum(rows.values()):,} rows, into {args.out}")
        return 0
    for la in _authorities(args.authority):
        out = synth.write_demo_return(la, args.years, Path(args.out) / la.new_la_code, args.seed)
        print(f"wrote {out}")
    return 0


def cmd_validate(args) -> int:
    from sufficiency_lib.ssda903 import clean, ingest, quality_report

    if not Path(args.directory).is_dir():
        print(f"sufficiency: {args.directory}: no such folder; give the folder that holds the 903 files.",
              file=sys.stderr)
        return 2
    try:
        result = clean.load_clean_return(Path(args.directory), args.year, year_label=args.year_label)
    except ingest.IngestError as err:
        print(f"usable: NO\n  - {err}")
        return 1
    assessment = quality_report.assess(result)
    written = quality_report.write_report(result, Path(args.out))
    print(quality_report.summarise(result, assessment))
    print(f"report: {len(written)} files in {args.out}")
    return 0 if assessment.usable else 1


def cmd_published(args) -> int:
    """Read folders of DfE releases; exit 0 when read, 1 on a data problem or nothing read."""
    from sufficiency_lib.published import dfe
    from sufficiency_lib.published.figures import to_csv

    reading = dfe.read_folders([Path(d) for d in args.directory])
    pub = reading.assemble()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("figures", "revisions", "files", "skipped", "unknown"):
        to_csv(getattr(pub, name), out / f"{name}.csv")
    for row in pub.files.itertuples():
        print(f"read    {row.table:28} release {row.release:<5} {row.figures:>8,} figures  {row.file}")
    for row in pub.skipped.itertuples():
        print(f"{'PROBLEM' if row.data_problem else 'skipped'} {row.file}: {row.reason}")
    for row in pub.unknown.itertuples():
        print(f"note    {row.file}: {row.column} {row.label!r}: {row.note}")
    problems = int(pub.skipped["data_problem"].astype(bool).sum())
    print(f"{len(pub.files)} files read, {len(pub.skipped)} skipped ({problems} with a data problem); "
          f"{len(pub.figures):,} figures (newest release wins), {len(pub.revisions):,} revised between "
          f"releases; written to {out}")
    if pub.figures.empty:
        print("sufficiency: no DfE children looked after figures found; download the files from EES.",
              file=sys.stderr)
    return 1 if problems or pub.figures.empty else 0


def cmd_embed(args) -> int:
    """Rebuild the embedded published statistics from the original downloads."""
    from sufficiency_lib.published import embedded

    if not Path(args.shared_data).is_dir():
        print(f"sufficiency: {args.shared_data}: no such folder; give the shared data folder "
              "(with published/ and reference/).", file=sys.stderr)
        return 2
    manifest = embedded.build(Path(args.shared_data), Path(args.out))
    for source in manifest["sources"]:
        for row in source["files"]:
            print(f"read    {source['name']:28} {row['file']}")
        for row in source["skipped"]:
            print(f"skipped {row['file']}: {row['reason']}")
    rows = ", ".join(f"{n:,} {table}" for table, n in manifest["rows"].items())
    print(f"wrote {Path(args.out) / manifest['file']} ({manifest['bytes']:,} bytes: {rows}; releases "
          f"{', '.join(map(str, manifest['releases']))})")
    return 0


def cmd_resemblance(args) -> int:
    import pandas as pd

    from sufficiency_lib.analysis import resemblance

    composition = pd.read_csv(args.composition, dtype={"period": str})
    found = _inputs(args)
    for one in found:
        if one.synthetic:
            synth.ensure_demo_return(one.authority, one.return_dir)
    compared = pd.concat([resemblance.compare_authority(one, composition) for one in found], ignore_index=True)
    if args.year:
        compared = compared.loc[compared["period"].astype(str).isin([str(y) for y in args.year])]
    if args.out:
        compared.to_csv(args.out, index=False)
    with pd.option_context("display.width", 200, "display.max_rows", 1000, "display.max_colwidth", 45):
        print(compared.drop(columns=["note"]).round(1).to_string(index=False))
        print(resemblance.summary(compared).round(2).to_string(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sufficiency", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="execute chapter notebooks and write HTML pages")
    p.add_argument("--authority", nargs="+", metavar="CODE",
                   help="authorities by new or old LA code or name (default: every params file and group)")
    p.add_argument("--group", nargs="+", type=_group, metavar="NAME=CODE,CODE",
                   help="a group of authorities with a statement of its own, e.g. 'North=E06000001,E06000002'")
    p.add_argument("--all", action="store_true", help="every English authority reporting in the year")
    p.add_argument("--no-pdf", action="store_true",
                   help="write each whole statement as HTML only, without its PDF (about 12 s less an authority)")
    p.add_argument("--year", nargs="+", type=int, metavar="YYYY", help="years (default: each authority's latest)")
    p.add_argument("--chapter", nargs="+", metavar="NAME", help="chapters (default: all)")
    p.add_argument("--return-dir", metavar="DIR",
                   help="the authority's 903 files (default: params; a demo authority's synthetic return)")
    p.add_argument("--published", nargs="+", metavar="DIR",
                   help="your own DfE downloads, added to the embedded published statistics (default: params)")
    p.add_argument("--local-dir", metavar="DIR", help="the authority's local tables (default: params)")
    p.add_argument("--year-label", choices=inputs.YEAR_LABELS,
                   help="the return's year folders are named by the year the collection ends (end) or starts")
    p.add_argument("--out", default=str(config.RENDERED_DIR), metavar="DIR", help="output folder")
    p.add_argument("--jobs", type=int, metavar="N", help="pages rendered at once (default: CPU cores)")
    p.add_argument("--timeout", type=int, default=render.NOTEBOOK_TIMEOUT_SECONDS, metavar="SECONDS",
                   help="longest a notebook may run (default: %(default)s)")
    p.add_argument("--continue-on-error", action="store_true",
                   help="render every page even after a failure; list the failures at the end")
    p.add_argument("--force", action="store_true", help="render pages even when nothing they read has changed")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="local processes, or a Dask cluster (--scheduler, else a local one)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: tcp://host:8786")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("validate", help="check and clean a folder of 903 files; write a data-quality report")
    p.add_argument("directory", metavar="DIR", help="folder of 903 files (CSV, Excel, XML; one per table per year)")
    p.add_argument("--out", required=True, metavar="REPORT_DIR", help="where the report is written")
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="collection year (ending 31 March) of files whose path names none")
    p.add_argument("--year-label", choices=["start", "end"], dest="year_label",
                   help="how years in file and folder names are written: 'end' (DfE's way: 2025 = April 2024 to "
                        "March 2025) or 'start' (2024 = April 2024 to March 2025). Without it, names are read as "
                        "'end' and a name the dates contradict makes the return unusable")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("published", help="read DfE published statistics; write figures, revisions, files read "
                                         "and skipped as CSV")
    p.add_argument("directory", nargs="+", metavar="DIR", help="folders of DfE EES CSVs (and ONS population)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="where figures.csv, revisions.csv, files.csv, skipped.csv and unknown.csv are written")
    p.set_defaults(func=cmd_published)

    p = sub.add_parser("embed", help="rebuild the embedded published statistics (data/embedded) from the "
                                     "original downloads")
    p.add_argument("shared_data", metavar="SHARED_DATA_DIR", help="folder with published/ and reference/")
    p.add_argument("--out", default=str(config.PROJECT_ROOT / "data" / "embedded"), metavar="DIR",
                   help="where published.parquet and published.json are written (default: data/embedded)")
    p.set_defaults(func=cmd_embed)

    p = sub.add_parser("synth", help="write a synthetic SSDA903 return")
    p.add_argument("--authority", nargs="+", metavar="CODE", help="new LA codes (default: every params file)")
    p.add_argument("--years", type=_years, default=range(2015, 2026), metavar="YYYY-YYYY")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=synth.DEMO_SEED)
    p.add_argument("--national", action="store_true",
                   help="every English local authority (data/reference/local_authorities.csv)")
    p.add_argument("--published", metavar="DIR",
                   help="with --national: DfE EES release folder(s) to size each authority from")
    p.add_argument("--workers", type=int, metavar="N", help="with --national: processes (default: all cores)")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("resemblance", help="compare figures from a return with the composition figures a "
                                           "statement printed")
    p.add_argument("composition", metavar="CSV", help="new_la_code, period, measure, category, value, unit, ...")
    p.add_argument("--authority", nargs="+", metavar="CODE", help="new LA codes (default: every params file)")
    p.add_argument("--year", nargs="+", metavar="YYYY", help="periods to show (default: all)")
    p.add_argument("--return-dir", metavar="DIR", help="the authority's 903 files (default: synthetic demo)")
    p.set_defaults(published=None, local_dir=None)
    p.add_argument("--out", metavar="CSV", help="write the comparison here too")
    p.set_defaults(func=cmd_resemblance)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (config.ParamsError, inputs.InputsError, ValueError, OSError) as err:
        print(f"sufficiency: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # a bug, not bad input: say so briefly rather than dump a traceback
        print(f"sufficiency: internal error ({type(err).__name__}: {err}); please report it with the command you ran.",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
