"""The tiny scenario the sweep and report tests build on: three countries, sky and land, 120 days."""

SCENARIO = {
    "name": "tiny",
    "horizon_days": 120,
    "replications": 5,
    "seed": 3,
    "requirements": {"sky": {"orbits": 1}, "land": {"troops": 5000}},
    "us_backstop": {"level": "logistics"},
    "countries": [
        {
            "name": "Alpha",
            "stance": "ready",
            "approval": {"probability": 0.9, "delay_days": {"dist": "uniform", "low": 5, "high": 20}},
            "deploy_days": {"dist": "triangular", "low": 10, "mode": 20, "high": 40},
            "sky": {"aircraft": 8},
            "land": {"troops": 3000},
            "rotation": {"tour_days": 60, "ratio": 3},
        },
        {
            "name": "Beta",
            "stance": "ready",
            "approval": {"probability": 0.8, "delay_days": {"dist": "uniform", "low": 5, "high": 30}},
            "deploy_days": {"dist": "triangular", "low": 10, "mode": 25, "high": 50},
            "land": {"troops": 2500},
            "rotation": {"tour_days": 90, "ratio": 3},
        },
        {
            "name": "Gamma",
            "stance": "open",
            "approval": {"probability": 0.6, "delay_days": {"dist": "uniform", "low": 10, "high": 40}},
            "deploy_days": {"dist": "triangular", "low": 10, "mode": 20, "high": 30},
            "sky": {"aircraft": 4},
        },
    ],
}
