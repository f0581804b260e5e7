"""Upload folders: one per session, gone when the session's state goes or on request, and day-old leftovers swept."""

import gc
import os
import time

from gmvplanner.service.upload_space import UploadSpace, remove_stale


def test_a_session_folder_goes_with_the_session(tmp_path):
    space = UploadSpace(tmp_path)
    (space.path / "orders").mkdir()
    (space.path / "orders" / "orders.csv").write_text("a,b\n1,2\n")
    folder = space.path
    del space
    gc.collect()
    assert not folder.exists()


def test_remove_on_request(tmp_path):
    space = UploadSpace(tmp_path)
    (space.path / "media.csv").write_text("x")
    space.remove()
    assert space.removed and not space.path.exists()
    space.remove()  # twice is harmless


def test_leftovers_older_than_a_day_are_swept_and_live_ones_kept(tmp_path):
    old, fresh = tmp_path / "session-old", tmp_path / "session-new"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "orders.csv").write_text("x")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old, old / "orders.csv"):
        os.utime(path, (two_days_ago, two_days_ago))
    other = tmp_path / "not-ours"
    other.mkdir()
    os.utime(other, (two_days_ago, two_days_ago))
    assert remove_stale(tmp_path) == [old]
    assert not old.exists() and fresh.exists() and other.exists()
