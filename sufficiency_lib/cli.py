"""The ``sufficiency`` command: render statements and make synthetic returns.

Exit status: 0 success, 1 when some work failed, 2 for usage errors.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config, render, synth


def _years(text: str) -> range:
    try:
        first, _, last = text.partition("-")
        return range(int(first), int(last or first) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2015-2025 or 2025, not {text!r}") from None


def _authorities(codes: list[str] | None) -> list[config.Authority]:
    return [config.load_authority(code) for code in codes] if codes else config.list_authorities()


def cmd_render(args) -> int:
    pages = render.render(_authorities(args.authority), Path(args.out), years=args.year,
                          chapters=args.chapter, return_dir=args.return_dir or "")
    for page in pages:
        print(f"{page.status:7} {page.seconds:6.1f}s  {page.path}")
        if page.error:
            print(f"        {page.error}", file=sys.stderr)
    failed = [p for p in pages if p.status != "ok"]
    print(f"{len(pages) - len(failed)} pages rendered, {len(failed)} failed; index: {Path(args.out) / 'index.html'}")
    return 1 if failed else 0


def cmd_synth(args) -> int:
    for la in _authorities(args.authority):
        out = synth.write_demo_return(la, args.years, Path(args.out) / la.new_la_code, args.seed)
        print(f"wrote {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sufficiency", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="execute chapter notebooks and write HTML pages")
    p.add_argument("--authority", nargs="+", metavar="CODE", help="new LA codes (default: every params file)")
    p.add_argument("--year", nargs="+", type=int, metavar="YYYY", help="years (default: each authority's latest)")
    p.add_argument("--chapter", nargs="+", metavar="NAME", help="chapters (default: all)")
    p.add_argument("--return-dir", metavar="DIR", help="the authority's 903 files (default: synthetic demo)")
    p.add_argument("--out", default=str(config.RENDERED_DIR), metavar="DIR", help="output folder")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("synth", help="write a synthetic SSDA903 return")
    p.add_argument("--authority", nargs="+", metavar="CODE", help="new LA codes (default: every params file)")
    p.add_argument("--years", type=_years, default=range(2015, 2026), metavar="YYYY-YYYY")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=synth.DEMO_SEED)
    p.set_defaults(func=cmd_synth)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (config.ParamsError, ValueError, OSError) as err:
        print(f"sufficiency: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
