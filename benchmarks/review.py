"""The store and the review: autosave under 30 writers, collecting into nbgrader, the report.

Autosave runs 30 writer processes (each a participant's kernel, with its own connection) that
start at the same instant; collect is timed against nbgrader's own command line doing the same
work; the report is built over 10,000 reflections.  Each of issue #18's three targets can be
measured alone, several times, with the median printed:

    .venv/bin/python benchmarks/review.py first-saves --runs 3   # 30 first saves at one instant
    .venv/bin/python benchmarks/review.py collect --runs 3       # collect 30 x 6 (add --plain: nbgrader's CLI too)
    .venv/bin/python benchmarks/review.py report --runs 3        # the report over 10,000 reflections
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from common import ROOM_SIZE, percentile

SAVES = 40
EXERCISE = ("payment", "payment.personal-experience")


def _writer(url: str, pseudonym: str, gaps: tuple[float, float], start_line, results) -> None:
    from coproduction_kit.store import Store

    store = Store(url)
    person = store.participant_by_pseudonym("bench", pseudonym)
    store.warm_saves()  # as a preheated page does while its pool fills (widgets/session.py)
    store.get_answer(person, *EXERCISE)  # the page restores the draft before anyone types
    start_line.wait()
    latencies = []
    for n in range(SAVES):
        began = time.perf_counter()
        store.save_answer(person, *EXERCISE, f"draft {n} " * 20)
        latencies.append(time.perf_counter() - began)
        time.sleep(random.uniform(*gaps))
    results.put(latencies)


def autosave(tmp: Path, gaps: tuple[float, float]) -> dict:
    from coproduction_kit.store import Store, migrate

    url = f"sqlite:///{tmp / f'autosave-{gaps[0]}.sqlite'}"
    migrate(url)  # as `workshop serve` does before any page opens the store
    store = Store(url)
    names = [f"writer-{n}" for n in range(ROOM_SIZE)]
    for name in names:
        store.add_participant("bench", name)
    start_line, results = multiprocessing.Barrier(ROOM_SIZE), multiprocessing.Queue()
    writers = [multiprocessing.Process(target=_writer, args=(url, name, gaps, start_line, results)) for name in names]
    for writer in writers:
        writer.start()
    runs = [results.get(timeout=600) for _ in writers]
    for writer in writers:
        writer.join()
    # Revision numbers count every save (the store keeps only the last max_revisions of them).
    lost = sum(SAVES - store.get_answer(store.participant_by_pseudonym("bench", n), *EXERCISE).revision for n in names)
    first = sorted(run[0] for run in runs)  # all 30 released at the same instant
    later = sorted(sum((run[1:] for run in runs), []))
    return {"first_p50": percentile(first, 0.5) * 1000, "first_max": first[-1] * 1000,
            "p50": percentile(later, 0.5) * 1000, "p99": percentile(later, 0.99) * 1000,
            "max": later[-1] * 1000, "lost": lost}


def _first_saver(data_dir: str, token: str, start_line, results) -> None:
    """A participant's page, as a preheated kernel runs it: open the store, warm it, learn who
    asks (the cookie's token), restore the draft, then save once when the room is released."""
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store import Store

    config = load_config(data_dir, workshop_id="bench")
    store = Store.for_workshop(config)  # widgets/session.py: open_session
    store.warm_saves()  # a preheated page, while its pool fills
    person = store.participant_by_token(config.workshop_id, token)  # the request arrives (_bind)
    store.warm_saves(person)
    store.answers_for(person, EXERCISE[0])  # the page restores its drafts
    start_line.wait()
    began = time.perf_counter()
    store.save_answer(person, *EXERCISE, f"first words of {person.pseudonym}")  # exercise.py: save
    results.put((person.pseudonym, time.perf_counter() - began))


def first_saves(tmp: Path) -> dict:
    """30 participants' kernels (one process each) make their first save at the same instant.

    Returns the median and slowest in ms, and how many of the 30 answers are not in the store.
    """
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store import Store, migrate

    data_dir = tmp / f"first-saves-{time.monotonic_ns()}"
    config = load_config(data_dir, workshop_id="bench")
    migrate(config.store_url)  # as `workshop serve` does before any page opens the store
    store = Store.for_workshop(config)
    tokens = {f"writer-{n}": store.add_participant("bench", f"writer-{n}")[1] for n in range(ROOM_SIZE)}
    start_line, results = multiprocessing.Barrier(ROOM_SIZE), multiprocessing.Queue()
    kernels = [multiprocessing.Process(target=_first_saver, args=(str(data_dir), token, start_line, results))
               for token in tokens.values()]
    for kernel in kernels:
        kernel.start()
    took = dict(results.get(timeout=300) for _ in kernels)
    for kernel in kernels:
        kernel.join()
    missing = [name for name in tokens
               if (answer := store.get_answer(store.participant_by_pseudonym("bench", name), *EXERCISE)) is None
               or answer.value != f"first words of {name}"]
    store.close()
    times = sorted(took.values())
    return {"p50": percentile(times, 0.5) * 1000, "max": times[-1] * 1000, "lost": len(missing)}


def _submitted_room(tmp: Path, name: str):
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.core.curriculum import load_curriculum
    from coproduction_kit.store import FACILITATORS, Store, migrate
    from coproduction_kit.nbgrader.exchange import submit_module
    from coproduction_kit.nbgrader.course import prepare

    workshop = load_config(tmp / name, workshop_id=name)
    curriculum = load_curriculum(workshop.curriculum_dir)
    prepare(workshop, curriculum, say=lambda _: None)
    migrate(workshop.store_url)
    store = Store(workshop.store_url)
    for n in range(ROOM_SIZE):
        person, _ = store.add_participant(workshop.workshop_id, f"p{n}")
        for module_id in curriculum.modules:
            exercise = next(e for e in curriculum.exercises(module_id) if e["kind"] == "reflection")
            store.save_answer(person, module_id, exercise["id"], f"shared words {n}", share=FACILITATORS)
            submit_module(store, person, module_id, curriculum.exercises(module_id),
                          workshop.course_dir, workshop.exchange_root)
    return workshop, curriculum


def collect_room(tmp: Path, plain: bool = True) -> dict:
    """The kit's collect, then (``plain``) nbgrader's command line on a copy of the same exchange and course.

    Afterwards every participant's every module must be in the gradebook, needing review.
    """
    from coproduction_kit.nbgrader.course import collect

    workshop, curriculum = _submitted_room(tmp, f"collect-{time.monotonic_ns()}")
    plain_course = tmp / "plain-course"
    plain_exchange = tmp / "plain-exchange"
    if plain:
        shutil.copytree(workshop.course_dir, plain_course)
        shutil.copytree(workshop.exchange_root, plain_exchange)
    began, cpu = time.perf_counter(), time.process_time()
    collect(workshop, curriculum, say=lambda _: None)
    ours, ours_cpu = time.perf_counter() - began, time.process_time() - cpu
    missing = _not_in_gradebook(workshop, curriculum)
    if not plain:
        return {"ours": ours, "ours_cpu": ours_cpu, "plain": None, "modules": len(curriculum.modules),
                "missing": missing}

    settings = [f"--Exchange.root={plain_exchange}", f"--CourseDirectory.root={plain_course}",
                f"--CourseDirectory.course_id={workshop.workshop_id}"]
    began = time.perf_counter()
    for module_id in curriculum.modules:
        for step in (["collect", module_id], ["autograde", module_id, "--no-execute", "--create"]):
            subprocess.run([sys.executable, "-m", "nbgrader", *step, *settings], cwd=plain_course, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    plain = time.perf_counter() - began
    return {"ours": ours, "ours_cpu": ours_cpu, "plain": plain, "modules": len(curriculum.modules),
            "missing": missing}


def _not_in_gradebook(workshop, curriculum) -> int:
    """How many of the room's module submissions are not autograded in nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{workshop.course_dir / 'gradebook.db'}", course_id=workshop.workshop_id) as book:
        found = {(s.student.id, s.assignment.name) for m in curriculum.modules
                 for s in book.assignment_submissions(m)}
    return ROOM_SIZE * len(curriculum.modules) - len(found)


def report_10k(tmp: Path) -> dict:
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.core.curriculum import load_curriculum
    from coproduction_kit.review.export import load
    from coproduction_kit.review.report import build_report, summarise
    from coproduction_kit.store import ROOM, Store, migrate

    workshop = load_config(tmp / "report", workshop_id="report")
    curriculum = load_curriculum(workshop.curriculum_dir)
    migrate(workshop.store_url)
    store = Store(workshop.store_url)
    texts = ["Payment showed my time counted.", "Power shifted when we shared the agenda.",
             "Whose knowledge counts was the question.", "Credit matters as much as money."]
    rng = random.Random(10)
    reflections = [e for m in curriculum.modules for e in curriculum.exercises(m) if e["kind"] == "reflection"]
    made = 0
    for n in range(-(-10_000 // len(reflections))):  # enough participants for 10,000 reflections
        person, _ = store.add_participant("report", f"r{n}")
        sent = {}
        for entry in reflections:
            module_id = entry["id"].split(".")[0]
            sent.setdefault(module_id, []).append(
                store.save_answer(person, module_id, entry["id"], f"{' '.join(rng.sample(texts, 2))} ({made})",
                                  share=ROOM))  # each answer its own text, as a room's are
            made += 1
        for module_id, answers in sent.items():
            store.record_submission(person, module_id, answers, datetime.now(timezone.utc), "x")
    began = time.perf_counter()
    frame = load(store, "report", curriculum, keep_values=True)
    summarise(frame, curriculum, store.pass_counts("report"))
    summary_s = time.perf_counter() - began
    began, cpu = time.perf_counter(), time.process_time()
    build_report(store, "report", curriculum, tmp / "report-out")
    return {"reflections": made, "summary": summary_s, "files": time.perf_counter() - began,
            "files_cpu": time.process_time() - cpu}


def main(argv: list[str]) -> None:
    import argparse
    import statistics
    import tempfile

    parser = argparse.ArgumentParser(description="Issue #18's review and autosave figures (printed, not written).")
    parser.add_argument("what", choices=["first-saves", "collect", "report"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="collect: nbgrader's command line too (slow)")
    args = parser.parse_args(argv)
    print(f"$ .venv/bin/python benchmarks/review.py {' '.join(argv)}   (room of {ROOM_SIZE})", flush=True)
    runs = []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            if args.what == "first-saves":
                r = first_saves(tmp)
                runs.append(r["p50"])
                print(f"run {run}: {ROOM_SIZE} first saves at one instant: median {r['p50']:.0f} ms, "
                      f"slowest {r['max']:.0f} ms, not in the store: {r['lost']}", flush=True)
            elif args.what == "collect":
                r = collect_room(tmp, plain=args.plain)
                runs.append(r["ours"])
                plain = f"; nbgrader's command line {r['plain']:.1f} s" if r["plain"] is not None else ""
                print(f"run {run}: collect {ROOM_SIZE} x {r['modules']}: the kit {r['ours']:.1f} s "
                      f"({r['ours_cpu']:.1f} s of CPU){plain}; "
                      f"submissions not in the gradebook: {r['missing']}", flush=True)
            else:
                r = report_10k(tmp)
                runs.append(r["files"])
                print(f"run {run}: report over {r['reflections']:,} reflections: load + summarise "
                      f"{r['summary']:.2f} s; every file (CSV, XLSX, HTML) {r['files']:.2f} s "
                      f"({r['files_cpu']:.2f} s of CPU)", flush=True)
    unit = "ms" if args.what == "first-saves" else "s"
    print(f"median of {len(runs)}: {statistics.median(runs):.2f} {unit}")


if __name__ == "__main__":
    main(sys.argv[1:])
