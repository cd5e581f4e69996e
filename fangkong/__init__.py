"""fangkong (防控): command platform for a city's epidemic prevention and control headquarters."""

__version__ = "0.1.0"
