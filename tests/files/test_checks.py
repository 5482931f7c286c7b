"""The deployment check says so when PDFs could not print Chinese."""

from files.checks import pdfs_print_chinese
from tests.test_deploy_settings import check_deploy


def test_pdf_check_passes_with_debians_cjk_fonts():
    assert pdfs_print_chinese(None) == []


def test_check_deploy_warns_when_fontconfig_finds_no_font(tmp_path):
    (tmp_path / "no-fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "no-fonts"}</dir></fontconfig>')

    result = check_deploy(tmp_path, SITE_URL="https://safety.example.gov.cn", FONTCONFIG_FILE=str(config))

    assert result.returncode != 0
    assert "files.W001" in result.stdout + result.stderr
