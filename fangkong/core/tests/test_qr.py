import re

from fangkong.core.qr import qr_svg


def test_a_qr_code_is_an_svg_element_without_an_xml_declaration() -> None:
    svg = qr_svg("https://fk.example/c/abc")

    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert re.search(r'<svg[^>]*\swidth="', svg)


def test_a_code_sized_by_the_stylesheet_carries_no_fixed_size() -> None:
    svg = qr_svg("https://fk.example/c/abc", sized_by_css=True)

    assert not re.search(r'<svg[^>]*\swidth="', svg)
    assert "<path" in svg


def test_longer_data_draws_a_larger_code() -> None:
    short = qr_svg("a", sized_by_css=False)
    long = qr_svg("https://fk.example/" + "x" * 200, sized_by_css=False)

    def width(svg: str) -> float:
        found = re.search(r'<svg[^>]*\swidth="([\d.]+)mm"', svg)
        assert found
        return float(found.group(1))

    assert width(long) > width(short)
