"""The browsers' floor for bench_load --floor: a Streamlit page that draws one Plotly line of a year of weeks at the
Predict chart's size and does nothing else, so the first chart it takes N sessions to see is what the browsers and
Streamlit's own page cost on this machine, with no model, no data and no work on the server."""

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
weeks = pd.date_range("2016-01-04", periods=52, freq="W-MON")
figure = px.line(x=weeks, y=np.linspace(1.0, 2.0, len(weeks)), labels={"x": "Week", "y": "GMV"})
figure.update_layout(height=380, margin={"t": 40, "b": 40})
st.plotly_chart(figure)
