def test_match_rank_orders_type_ahead():
    from app.services.search.pinyin import match_rank

    assert match_rank("nx", "宁夏回族自治区") == 1  # the start of its initials
    assert match_rank("nxhzzzq", "宁夏回族自治区") == 0  # all its initials
    assert match_rank("宁夏回族自治区", "宁夏回族自治区") == 0
    assert match_rank("nx", "山西省") == 2  # only a run inside shaN-Xi
    assert match_rank("xi", "山西省") == 2 and match_rank("sx", "山西省") == 1
    assert match_rank("ningxia", "山西省") is None
    assert match_rank("", "山西省") == 0
