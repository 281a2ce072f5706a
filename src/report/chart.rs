//! Chart specifications: what a chart shows (its categories, series, bands,
//! labels and size), as a document holds it — the report builds these and
//! every renderer draws them (`render::chart` lays them out as a scene, SVG
//! for HTML, PDF paths, PNG for Word). No drawing here.

use serde::{Deserialize, Serialize};

/// Default chart width in points: the 156 mm text block of GB/T 9704.
pub const DEFAULT_WIDTH: f32 = 440.0;

/// One data series: a name for the legend and one value per category (or
/// x label). Missing values count as 0, extra ones are ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

impl Series {
    pub fn new(name: impl Into<String>, values: impl IntoIterator<Item = f64>) -> Self {
        Series {
            name: name.into(),
            values: values.into_iter().collect(),
        }
    }
}

/// Direction of the bars. Horizontal suits many or long category labels
/// (violation types, units).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Orientation {
    #[default]
    Vertical,
    Horizontal,
}

/// A shaded value range behind the bars, e.g. a grade: 90–100 优秀.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub label: String,
}

impl Band {
    pub fn new(from: f64, to: f64, label: impl Into<String>) -> Self {
        Band {
            from,
            to,
            label: label.into(),
        }
    }
}

/// A grouped bar chart: for each category one bar per series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BarChart {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub orientation: Orientation,
    /// Title of the value axis, usually the unit: "单位：起", "得分".
    pub value_label: String,
    /// Title of the category axis; often left empty.
    pub category_label: String,
    /// Decimals of the value labels on the bars (0 when every value is
    /// whole at that precision; see `render::chart::label_decimals`).
    pub decimals: u8,
    /// Print each bar's value next to it where it fits.
    pub show_values: bool,
    /// Fixed lower bound for the top of the value axis (100 for scores).
    pub value_max: Option<f64>,
    /// Shaded bands (grades) behind the bars.
    pub bands: Vec<Band>,
    /// Total width in points.
    pub width: f32,
    /// Height of the plotting area of a vertical chart in points (a
    /// horizontal chart grows with its categories).
    pub plot_height: f32,
}

impl Default for BarChart {
    fn default() -> Self {
        BarChart {
            title: String::new(),
            categories: Vec::new(),
            series: Vec::new(),
            orientation: Orientation::Vertical,
            value_label: String::new(),
            category_label: String::new(),
            decimals: 0,
            show_values: true,
            value_max: None,
            bands: Vec::new(),
            width: DEFAULT_WIDTH,
            plot_height: 190.0,
        }
    }
}

/// The setters both chart kinds share (series, value axis label, decimals,
/// value labels, size).
macro_rules! shared_setters {
    ($ty:ty) => {
        impl $ty {
            /// Adds a series.
            pub fn series(
                mut self,
                name: impl Into<String>,
                values: impl IntoIterator<Item = f64>,
            ) -> Self {
                self.series.push(Series::new(name, values));
                self
            }

            pub fn value_label(mut self, s: impl Into<String>) -> Self {
                self.value_label = s.into();
                self
            }

            pub fn decimals(mut self, d: u8) -> Self {
                self.decimals = d;
                self
            }

            pub fn show_values(mut self, on: bool) -> Self {
                self.show_values = on;
                self
            }

            pub fn width(mut self, w: f32) -> Self {
                self.width = w;
                self
            }

            pub fn plot_height(mut self, h: f32) -> Self {
                self.plot_height = h;
                self
            }
        }
    };
}

shared_setters!(BarChart);
shared_setters!(LineChart);

impl BarChart {
    pub fn new<S: Into<String>>(
        title: impl Into<String>,
        categories: impl IntoIterator<Item = S>,
    ) -> Self {
        BarChart {
            title: title.into(),
            categories: categories.into_iter().map(Into::into).collect(),
            ..BarChart::default()
        }
    }

    pub fn horizontal(mut self) -> Self {
        self.orientation = Orientation::Horizontal;
        self
    }

    pub fn category_label(mut self, s: impl Into<String>) -> Self {
        self.category_label = s.into();
        self
    }

    pub fn value_max(mut self, v: f64) -> Self {
        self.value_max = Some(v);
        self
    }

    pub fn bands(mut self, bands: Vec<Band>) -> Self {
        self.bands = bands;
        self
    }
}

/// A line chart: one line per series across the x labels (quarters).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LineChart {
    pub title: String,
    /// Labels along the x axis: `2025Q1`, `25年一季度`.
    pub x_labels: Vec<String>,
    pub series: Vec<Series>,
    /// Title of the value axis, usually the unit.
    pub value_label: String,
    /// Title of the x axis; often left empty.
    pub x_label: String,
    /// Decimals of the point labels.
    pub decimals: u8,
    /// Print values next to the points where they do not collide.
    pub show_values: bool,
    pub width: f32,
    /// Height of the plotting area in points.
    pub plot_height: f32,
}

impl Default for LineChart {
    fn default() -> Self {
        LineChart {
            title: String::new(),
            x_labels: Vec::new(),
            series: Vec::new(),
            value_label: String::new(),
            x_label: String::new(),
            decimals: 0,
            show_values: true,
            width: DEFAULT_WIDTH,
            plot_height: 190.0,
        }
    }
}

impl LineChart {
    pub fn new<S: Into<String>>(
        title: impl Into<String>,
        x_labels: impl IntoIterator<Item = S>,
    ) -> Self {
        LineChart {
            title: title.into(),
            x_labels: x_labels.into_iter().map(Into::into).collect(),
            ..LineChart::default()
        }
    }

    pub fn x_label(mut self, s: impl Into<String>) -> Self {
        self.x_label = s.into();
        self
    }
}

/// Any chart, for report contexts that hold a list of figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Chart {
    Bar(BarChart),
    Line(LineChart),
}

impl Chart {}
