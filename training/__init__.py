"""Train, evaluate and export the ASL-digits MobileNet classifier."""
