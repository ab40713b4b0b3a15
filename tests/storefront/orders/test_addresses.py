"""Addresses checked and laid out per country with Google's address data."""

from __future__ import annotations

import pytest

from storefront.orders.addresses import AddressProblems, PostalAddress, address_lines, check_address


def test_each_country_gets_its_own_layout():
    assert address_lines("Ada", "10 Downing St", "", "London", "", "SW1A 2AA", "GB") == [
        "Ada", "10 Downing St", "LONDON", "SW1A 2AA", "United Kingdom"]
    assert address_lines("Bo", "1 Collins St", "Level 2", "Melbourne", "VIC", "3000", "AU") == [
        "Bo", "1 Collins St", "Level 2", "MELBOURNE VIC 3000", "Australia"]


def test_a_country_the_data_does_not_know_still_shows_every_part():
    assert address_lines("Cy", "1 Rue", "", "Paris", "", "75001", "ZZ") == ["Cy", "1 Rue", "Paris 75001", "ZZ"]


def test_an_irish_address_needs_no_eircode_but_a_us_one_needs_a_zip_code():
    assert check_address(PostalAddress("IE", "1 Quay St", "Galway")).postcode == ""
    with pytest.raises(AddressProblems) as refused:
        check_address(PostalAddress("US", "1 Main St", "Portland", region="OR"))
    assert refused.value.errors == {"postcode": "Please enter the ZIP code."}


def test_a_state_that_is_not_in_the_country_is_named():
    with pytest.raises(AddressProblems) as refused:
        check_address(PostalAddress("AU", "1 Main St", "Sydney", "2000", region="Texas"))
    assert refused.value.errors["region"].startswith("We don't know that state in Australia.")


def test_a_country_we_do_not_deliver_to_is_refused():
    with pytest.raises(AddressProblems) as refused:
        check_address(PostalAddress("FR", "1 Rue", "Paris", "75001"))
    assert refused.value.errors == {"country": "Please choose a country we deliver to."}
