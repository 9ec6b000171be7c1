from pathlib import Path

import pytest

from analysis.data import registry


def test_registry_entries_are_complete():
    files = registry.registry()
    assert set(files) == {
        "celebrities_profiles.txt",
        "celebrities_profiles_labeled.txt",
        "twitter.tar.gz",
        "download.tsv.munmun_twitter_social.tar.bz2",
        "twitter_rv.net",
    }
    for f in files.values():
        assert f.url.startswith("http") and f.licence and f.citation and f.size > 0
        assert len(f.hash) == {"sha256": 64, "sha256-members": 64, "md5-stream": 32}[f.digest]
    full = files["twitter_rv.net"]
    assert full.fetch == "full" and len(full.parts) == 4 and full.size == 26_172_280_241
    assert full not in registry.default_files()


def test_registry_hashes_match_the_mirror_sha256sums(mirror):
    sums = {}
    for line in (Path(mirror) / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        sums[name] = digest
    for f in registry.default_files():
        if f.digest == "sha256":
            assert sums[f.name] == f.hash
            assert (Path(mirror) / f.name).stat().st_size == f.size


def test_unknown_digest_kind_is_rejected():
    text = '[files."x"]\ndataset="x"\ndescription="d"\nurl="http://x"\ndigest="crc"\nhash="0"\nsize=1\nlicence="l"\ncitation="c"\n'
    with pytest.raises(ValueError, match="digest kind"):
        registry.parse_registry(text)
