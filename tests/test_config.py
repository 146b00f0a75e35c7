import pytest

from sufficiency_lib import config


def test_demo_authorities_load():
    codes = [la.new_la_code for la in config.list_authorities()]
    assert codes == ["E06000031", "E10000003"]
    cambs = config.load_authority("E10000003")
    assert (cambs.old_la_code, cambs.la_name, cambs.region_code) == ("873", "Cambridgeshire", "E12000006")


def test_missing_params_file_names_the_file(tmp_path):
    with pytest.raises(config.ParamsError, match="E00000000"):
        config.load_authority("E00000000", tmp_path)


def test_missing_key_is_named(tmp_path):
    (tmp_path / "E1.yaml").write_text("new_la_code: E1\nla_name: X\n")
    with pytest.raises(config.ParamsError, match="old_la_code"):
        config.load_authority("E1", tmp_path)
