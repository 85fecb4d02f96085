"""Exact metrics on toy inputs."""

from __future__ import annotations

import math

import pytest

from raredx.benchmark import (
    brier_score,
    expected_calibration_error,
    expected_top_k,
    mean_log_loss,
    mean_reciprocal_rank,
    reliability_table,
    summarize_ranks,
    top_k,
)


def test_top_k_and_mrr_exact():
    ranks = [1, 3, 10, 11, None]
    assert top_k(ranks, 1) == pytest.approx(1 / 5)
    assert top_k(ranks, 3) == pytest.approx(2 / 5)
    assert top_k(ranks, 10) == pytest.approx(3 / 5)
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 1 / 10 + 1 / 11) / 5)
    s = summarize_ranks(ranks)
    assert (s.n, s.missing) == (5, 1)
    assert (s.top1, s.top3, s.top10) == (pytest.approx(0.2), pytest.approx(0.4),
                                         pytest.approx(0.6))


def test_empty_inputs():
    assert top_k([], 1) == 0.0 and mean_reciprocal_rank([]) == 0.0
    assert math.isnan(expected_calibration_error([], []))
    assert math.isnan(brier_score([], []))
    assert math.isnan(mean_log_loss([]))


def test_reliability_bins_edges():
    # 0.1 falls in [0.1, 0.2); 1.0 in the last bin; 0.0 in the first
    table = reliability_table([0.0, 0.1, 0.15, 0.99, 1.0], [False, True, False, True, True])
    assert [b.n for b in table] == [1, 2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert table[1].mean_confidence == pytest.approx(0.125)
    assert table[1].accuracy == pytest.approx(0.5)
    assert math.isnan(table[2].accuracy)
    assert table[9].accuracy == 1.0 and table[9].hi == 1.0


def test_ece_exact():
    conf = [0.95, 0.95, 0.95, 0.95, 0.35, 0.35]
    ok = [True, True, True, False, True, False]
    # bin [0.9,1]: 4 cases, acc 0.75, conf 0.95 -> |0.2|; bin [0.3,0.4): 2 cases, acc .5, .35
    expected = 4 / 6 * 0.2 + 2 / 6 * 0.15
    assert expected_calibration_error(conf, ok) == pytest.approx(expected)
    assert expected_calibration_error([1.0, 0.0], [True, False]) == 0.0


def test_brier_and_log_loss_exact():
    assert brier_score([0.8, 0.3], [True, False]) == pytest.approx((0.04 + 0.09) / 2)
    assert mean_log_loss([0.5, 0.25]) == pytest.approx((math.log(2) + math.log(4)) / 2)
    assert mean_log_loss([0.0]) == pytest.approx(-math.log(1e-12))


def test_bad_confidence_is_refused():
    with pytest.raises(ValueError):
        brier_score([1.5], [True])
    with pytest.raises(ValueError):
        reliability_table([0.5], [True, False])


def test_expected_top_k_under_random_ties():
    # (best, worst): alone first; tied 4-way for first; 2 ahead then 3 tied; missing
    bounds = [(1, 1), (1, 4), (3, 5), None]
    assert expected_top_k(bounds, 1) == pytest.approx((1 + 1 / 4) / 4)
    assert expected_top_k(bounds, 3) == pytest.approx((1 + 3 / 4 + 1 / 3) / 4)
    assert expected_top_k(bounds, 10) == pytest.approx(3 / 4)
    with pytest.raises(ValueError):
        expected_top_k([(3, 2)], 1)
