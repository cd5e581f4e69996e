from fangkong.people.masking import mask_id_number, mask_phone


def test_an_eighteen_digit_id_keeps_four_digits_at_each_end():
    assert mask_id_number("320203199001011234") == "3202**********1234"


def test_a_mobile_keeps_its_first_three_and_last_four_digits():
    assert mask_phone("+8613812345678") == "138****5678"


def test_empty_values_stay_empty():
    assert mask_id_number("") == ""
    assert mask_phone("") == ""
