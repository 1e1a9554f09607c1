"""tei.batch: where each file goes, and one typed outcome per file, in order, whatever happens."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import INPUTS, SEED
from tei import ConvertOptions, convert_paths
from tei.batch import Job, Status, plan
from tei.errors import BatchError

NO_OCR = ConvertOptions(ocr=False)


def test_one_file_and_an_xml_output_is_that_file(tmp_path):
    assert plan([SEED], tmp_path / "single.xml") == (Job(SEED, tmp_path / "single.xml"),)


def test_otherwise_the_output_is_a_folder_and_folders_keep_their_layout(tmp_path):
    assert plan([SEED], tmp_path / "out") == (Job(SEED, tmp_path / "out" / f"{SEED.stem}.xml"),)
    jobs = plan([INPUTS], tmp_path / "out")
    assert [job.target.relative_to(tmp_path / "out") for job in jobs] == [
        path.relative_to(INPUTS).with_suffix(".xml") for path in sorted(INPUTS.rglob("*.txt"))]


def test_a_folder_into_an_xml_name_is_refused(tmp_path):
    message = "names a file (.xml), but a folder or several files give one TEI file each"
    with pytest.raises(BatchError, match=re.escape(message)):
        plan([INPUTS / "odd"], tmp_path / "all.xml")


def test_two_inputs_for_one_output_are_refused_and_one_input_twice_is_one_job(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copyfile(SEED, tmp_path / folder / SEED.name)
    with pytest.raises(BatchError, match="would both be written to"):
        plan([tmp_path / "a" / SEED.name, tmp_path / "b" / SEED.name], tmp_path / "out")
    assert len(plan([SEED, SEED.parent], tmp_path / "out")) == len(list(SEED.parent.glob("*.txt")))


def test_a_folder_without_exports(tmp_path):
    with pytest.raises(BatchError, match=f"no .txt or .json files found in {tmp_path}"):
        plan([tmp_path], tmp_path / "out")


@pytest.mark.parametrize("workers", [1, 2])
def test_one_outcome_per_file_in_order(tmp_path, workers):
    folder = tmp_path / "in"
    shutil.copytree(INPUTS, folder)
    (tmp_path / "out" / "odd").mkdir(parents=True)
    blocked = sorted((folder / "odd").glob("*.txt"))[0]
    (tmp_path / "out" / "odd" / f"{blocked.stem}.xml").mkdir()  # a folder in the way of one file
    batch = convert_paths([folder], tmp_path / "out", NO_OCR, workers)
    outcomes = list(batch)
    assert [outcome.job for outcome in outcomes] == list(batch.jobs)
    statuses = {outcome.job.source: outcome.status for outcome in outcomes}
    assert {source for source, status in statuses.items() if status is Status.REJECTED} == set((folder / "bad").iterdir())
    assert statuses[blocked] is Status.UNWRITABLE
    written = [outcome for outcome in outcomes if outcome.status is Status.WRITTEN]
    assert len(written) == len(list((folder / "odd").iterdir())) - 1
    assert all(outcome.job.target.is_file() and outcome.error is None for outcome in written)
    assert all(outcome.error.startswith(f"{outcome.job.source}:") for outcome in outcomes
               if outcome.status is Status.REJECTED)


def test_nothing_is_converted_before_the_batch_is_iterated(tmp_path):
    batch = convert_paths([SEED], tmp_path / "out", NO_OCR)
    assert len(batch) == 1 and not (tmp_path / "out").exists()
    [outcome] = batch
    assert outcome.status is Status.WRITTEN and Path(outcome.job.target).is_file()
