"""A synthetic city with exact ground truth: the data every demo, test and benchmark runs on."""

from frontline.synth.config import CityConfig, DefectRates
from frontline.synth.generate import CityReport, generate_city

__all__ = ["CityConfig", "CityReport", "DefectRates", "generate_city"]
