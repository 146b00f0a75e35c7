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


def test_scenarios_default_and_are_checked(tmp_path):
    base = ("new_la_code: E1\nold_la_code: '1'\nla_name: X\nregion_code: R\nregion_name: R\nlatest_year: 2025\n")
    (tmp_path / "E1.yaml").write_text(base)
    assert config.load_authority("E1", tmp_path).scenarios == config.DEFAULT_SCENARIOS
    (tmp_path / "E1.yaml").write_text(base + "scenarios:\n  Fewer: {entry: 0.8, in_house_places_per_year: 5}\n")
    assert config.load_authority("E1", tmp_path).scenarios == {"Fewer": {"entry": 0.8, "in_house_places_per_year": 5.0}}
    for bad, message in (("  Odd: {entery: 0.8}", "unknown 'entery'"), ("  Odd: {entry: lots}", "entry to 'lots'"),
                         ("  Odd: {stay: 0}", "stay to 0"), ("  Odd: 3", "should set one or more")):
        (tmp_path / "E1.yaml").write_text(base + "scenarios:\n" + bad + "\n")
        with pytest.raises(config.ParamsError, match=message):
            config.load_authority("E1", tmp_path)


def test_the_params_template_copied_for_an_authority_is_read_and_a_copy_of_another_is_refused(tmp_path):
    import shutil
    shutil.copy(config.PARAMS_DIR / "template.yaml.example", tmp_path / "E10000029.yaml")
    suffolk = config.load_authority("E10000029", tmp_path)
    assert (suffolk.la_name, suffolk.bordering, suffolk.demo, suffolk.return_dir) == ("Suffolk", (), False, "")
    shutil.copy(config.PARAMS_DIR / "E10000003.yaml", tmp_path / "E10000021.yaml")
    with pytest.raises(config.ParamsError, match="named for E10000021 but is the params of Cambridgeshire"):
        config.load_authority("E10000021", tmp_path)
