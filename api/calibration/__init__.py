"""The learned promise on the server: which model is live, kept in the store so that every
worker process serves the same one.

records.py   the posted models in the store (`promise_models`), the live one the latest
live.py      LivePromise: this process's live model, swapped whole on a post or when the
             store has a newer one (polled), never half-loaded
"""

from api.calibration.live import Live, LivePromise, parsed_model
from api.calibration.records import CalibrationRecords, StoredCalibration

__all__ = ["CalibrationRecords", "Live", "LivePromise", "StoredCalibration", "parsed_model"]
