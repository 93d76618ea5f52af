"""Placeholder until this part lands."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
