"""Stripe: the gateway (Checkout Sessions and refunds through the SDK), its webhook and event handling.

The only place in Larder that imports the Stripe SDK.
"""
